/// An element: expanded name, attributes in document order, and children.
///
/// Trees built by ``HardenedXMLParser`` merge adjacent text (CDATA included) into one
/// ``XMLNode/text(_:)`` node and never contain comments or processing instructions.
/// Nesting is bounded by the parser's ``XMLLimits/maxDepth``; the synthesized `==` and the
/// deinitializer recurse once per level, which is why that limit matters for trees built in code too.
public struct XMLElement: Sendable, Equatable {
    public var name: XMLName
    /// Attributes in document order. Namespace declarations (`xmlns`, `xmlns:p`) are not here.
    public var attributes: [XMLAttribute]
    /// Child elements and text in document order.
    public var children: [XMLNode]

    public init(
        _ local: String,
        namespace: String? = nil,
        attributes: [XMLAttribute] = [],
        children: [XMLNode] = []
    ) {
        self.name = XMLName(local, namespace: namespace)
        self.attributes = attributes
        self.children = children
    }

    /// The child elements, in document order (text is skipped).
    public var elements: [XMLElement] {
        self.children.compactMap { child in
            if case .element(let element) = child { return element }
            return nil
        }
    }

    /// The first child element with this local name; `namespace: nil` matches any namespace.
    public func first(_ local: String, namespace: String? = nil) -> XMLElement? {
        for child in self.children {
            if case .element(let element) = child, element.name.matches(local, namespace) {
                return element
            }
        }
        return nil
    }

    /// All child elements with this local name; `namespace: nil` matches any namespace.
    public func all(_ local: String, namespace: String? = nil) -> [XMLElement] {
        self.children.compactMap { child in
            if case .element(let element) = child, element.name.matches(local, namespace) {
                return element
            }
            return nil
        }
    }

    /// The concatenation of the direct text children (not the text of descendants).
    public var text: String {
        var result = ""
        for child in self.children {
            if case .text(let text) = child {
                result += text
            }
        }
        return result
    }

    /// The value of the attribute with this local name; `namespace: nil` matches any namespace,
    /// preferring an attribute without a namespace (the usual unprefixed `id="…"`) when both exist.
    public func attribute(_ local: String, namespace: String? = nil) -> String? {
        var fallback: String?
        for attribute in self.attributes where attribute.name.local == local {
            if let namespace {
                if attribute.name.namespace == namespace { return attribute.value }
            } else if attribute.name.namespace == nil {
                return attribute.value
            } else if fallback == nil {
                fallback = attribute.value
            }
        }
        return fallback
    }
}

/// Writes an ``XMLElement`` tree as XML text, choosing prefixes and declaring namespaces.
///
/// - The root element's namespace becomes the default namespace (`xmlns="…"`).
/// - Every other namespace gets a prefix `ns1`, `ns2`, … in order of first appearance, declared
///   once on the root. Prefixes are handed out while writing, and the declarations are spliced
///   into the root's start tag at the end: one pass over the tree instead of two.
/// - Attributes in a namespace are always prefixed (Namespaces in XML 1.0 §6.2: the default
///   namespace does not apply to attributes), even in the root's namespace.
/// - An element without a namespace below a defaulted one gets `xmlns=""` (§6.2), and an element
///   in the root namespace below that re-declares the default.
/// - The XML namespace always uses its reserved prefix `xml` and is never declared (§3).
///   Attributes in the xmlns namespace are namespace declarations, not attributes in this model,
///   and are skipped. An empty namespace string is treated as "no namespace".
///
/// Names are written as given (trees from ``HardenedXMLParser`` always hold valid ones); text
/// and attribute values are escaped, and characters XML 1.0 cannot carry become U+FFFD, because
/// serialization cannot fail. No recursion: open elements live on an explicit stack.
struct TreeSerializer {
    private static let xmlnsNamespace = "http://www.w3.org/2000/xmlns/"

    /// An element whose start tag is written and whose children are being written.
    private struct Frame {
        var children: [XMLNode]
        var next: Int
        var prefix: String?
        var local: String
        /// The default namespace in scope inside the element.
        var defaultNamespace: String?
    }

    private var output: [UInt8] = []
    private var prefixes = NamespacePrefixes()
    private let rootNamespace: String?
    /// Where the root's `xmlns:nsN` declarations go: right after its name.
    private var declarationsOffset = 0

    private init(rootNamespace: String?) {
        self.rootNamespace = rootNamespace
        self.output.reserveCapacity(4096)
    }

    static func serialize(_ root: XMLElement, declaration: Bool) -> String {
        var serializer = TreeSerializer(rootNamespace: NamespacePrefixes.namespace(of: root.name))
        if declaration {
            serializer.output.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        }
        serializer.write(root)
        var declarations: [UInt8] = []
        for (namespace, prefix) in serializer.prefixes.declarations {
            declarations.append(contentsOf: " xmlns:".utf8)
            declarations.append(contentsOf: prefix.utf8)
            declarations.append(contentsOf: "=\"".utf8)
            try? XMLEscaper.append(namespace, to: &declarations, .attribute, .replace)
            declarations.append(UInt8(ascii: "\""))
        }
        serializer.output.insert(contentsOf: declarations, at: serializer.declarationsOffset)
        return String(decoding: serializer.output, as: UTF8.self)
    }

    private mutating func write(_ root: XMLElement) {
        var stack: [Frame] = []
        if let frame = self.startTag(root, inheritedDefault: nil, isRoot: true) {
            stack.append(frame)
        }
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].next < stack[top].children.count else {
                let frame = stack.removeLast()
                self.output.append(contentsOf: "</".utf8)
                self.name(frame.prefix, frame.local)
                self.output.append(UInt8(ascii: ">"))
                continue
            }
            let index = stack[top].next
            stack[top].next += 1
            // Look at the child in place rather than copying it out of the array.
            let frame: Frame? = stack[top].children.withUnsafeBufferPointer { children in
                switch children[index] {
                case .text(let text):
                    try? XMLEscaper.append(text, to: &self.output, .text, .replace)
                    return nil
                case .element(let element):
                    return self.startTag(element, inheritedDefault: stack[top].defaultNamespace, isRoot: false)
                }
            }
            if let frame {
                stack.append(frame)
            }
        }
    }

    /// Writes the start tag (or the whole element when it is empty); returns the frame to push
    /// when the element has children.
    private mutating func startTag(_ element: XMLElement, inheritedDefault: String?, isRoot: Bool) -> Frame? {
        let namespace = NamespacePrefixes.namespace(of: element.name)
        var defaultNamespace = inheritedDefault
        var prefix: String?
        self.output.append(UInt8(ascii: "<"))
        if namespace == nil || namespace == self.rootNamespace {
            self.name(nil, element.name.local)
            if namespace != inheritedDefault {
                self.attribute(nil, "xmlns", namespace ?? "")
                defaultNamespace = namespace
            }
        } else {
            prefix = self.prefixes.prefix(for: namespace!)
            self.name(prefix, element.name.local)
        }
        if isRoot {
            self.declarationsOffset = self.output.count
        }
        for attribute in element.attributes {
            guard let namespace = NamespacePrefixes.namespace(of: attribute.name) else {
                self.attribute(nil, attribute.name.local, attribute.value)
                continue
            }
            if namespace == Self.xmlnsNamespace { continue }
            self.attribute(self.prefixes.prefix(for: namespace), attribute.name.local, attribute.value)
        }
        if element.children.isEmpty {
            self.output.append(contentsOf: "/>".utf8)
            return nil
        }
        self.output.append(UInt8(ascii: ">"))
        return Frame(
            children: element.children,
            next: 0,
            prefix: prefix,
            local: element.name.local,
            defaultNamespace: defaultNamespace
        )
    }

    /// `prefix:local`, or `local`: written in pieces so that no qualified-name String is built.
    private mutating func name(_ prefix: String?, _ local: String) {
        if let prefix {
            self.output.append(contentsOf: prefix.utf8)
            self.output.append(UInt8(ascii: ":"))
        }
        self.output.append(contentsOf: local.utf8)
    }

    private mutating func attribute(_ prefix: String?, _ local: String, _ value: String) {
        self.output.append(UInt8(ascii: " "))
        self.name(prefix, local)
        self.output.append(contentsOf: "=\"".utf8)
        try? XMLEscaper.append(value, to: &self.output, .attribute, .replace)
        self.output.append(UInt8(ascii: "\""))
    }
}

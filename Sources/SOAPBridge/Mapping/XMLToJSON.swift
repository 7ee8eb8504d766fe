import JSON
import XML

/// XML → JSON for SOAP responses.
///
/// `convert` follows the Oracle API Gateway convention: an element with neither attributes
/// nor child elements is a JSON string of its text (`""` when empty); any other element is an
/// object with `"@local"` per attribute, `"$"` for its direct text unless that is whitespace
/// only, and one member per child local name in first-appearance order — the value for a
/// single child, an array of values for several. Namespaces and prefixes are dropped; all
/// values are strings.
///
/// `select` builds a typed object from a `ResponseMapping` instead.
public enum XMLToJSON {
    static let schemaInstance = "http://www.w3.org/2001/XMLSchema-instance"

    /// The element by the Oracle convention, as compact JSON text.
    public static func convert(_ element: XMLElement) -> String {
        var out = JSONOutput(capacity: 2048)
        appendConverted(element, to: &out)
        return out.string()
    }

    /// The fields of `mapping`, selected below `element`, as a compact JSON object text.
    /// A missing element is `null`, a missing list `[]`, an `xsi:nil="true"` element `null`;
    /// a value that does not match its type is `.invalidValue` (the upstream broke its contract).
    public static func select(_ mapping: ResponseMapping, from element: XMLElement) throws(MappingError) -> String {
        var out = JSONOutput(capacity: 1024)
        try appendObject(mapping.fields, element, to: &out)
        return out.string()
    }

    // MARK: - Convention

    static func appendConverted(_ element: XMLElement, to out: inout JSONOutput) {
        let children = element.children
        let attributes = element.attributes
        if attributes.isEmpty {
            // The common leaves, without a pass over the children.
            if children.isEmpty {
                out.raw("\"\"")
                return
            }
            if children.count == 1, case .text(let text) = children[0] {
                out.quoted(text)
                return
            }
        }
        children.withUnsafeBufferPointer { children in
            var elementCount = 0
            var hasText = false
            for index in children.indices {
                switch children[index] {
                case .element: elementCount += 1
                case .text(let text): if !hasText, !isWhitespace(text) { hasText = true }
                }
            }
            if attributes.isEmpty && elementCount == 0 {
                out.quoted(element.text)
                return
            }
            out.byte(UInt8(ascii: "{"))
            var first = true
            for (index, attribute) in attributes.enumerated() {
                // Two attributes may share a local name in different namespaces: keep the first,
                // a JSON object must not repeat a member name.
                let local = attribute.name.local
                if index > 0, attributes[..<index].contains(where: { $0.name.local == local }) { continue }
                if !first { out.byte(UInt8(ascii: ",")) }
                first = false
                out.quoted(local, prefix: UInt8(ascii: "@"))
                out.byte(UInt8(ascii: ":"))
                out.quoted(attribute.value)
            }
            if hasText {
                if !first { out.byte(UInt8(ascii: ",")) }
                first = false
                out.raw("\"$\":")
                out.quoted(element.text)
            }
            if elementCount > 0 {
                if !first { out.byte(UInt8(ascii: ",")) }
                appendGroups(children, elementCount: elementCount, to: &out)
            }
            out.byte(UInt8(ascii: "}"))
        }
    }

    /// The child elements grouped by local name in first-appearance order, as object members.
    /// One pass assigns each child its group (a linear search over the distinct names so far,
    /// so O(children × distinct names)); the scratch space is on the stack for usual sizes.
    private static func appendGroups(
        _ children: UnsafeBufferPointer<XMLNode>,
        elementCount: Int,
        to out: inout JSONOutput
    ) {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: children.count + 2 * elementCount) { scratch in
            // group[i] for child i (-1 for text), then first child and size per group.
            let groupOf = UnsafeMutableBufferPointer(rebasing: scratch[0..<children.count])
            let firstChild = UnsafeMutableBufferPointer(rebasing: scratch[children.count..<children.count + elementCount])
            let size = UnsafeMutableBufferPointer(rebasing: scratch[(children.count + elementCount)...])
            withUnsafeTemporaryAllocation(of: String.self, capacity: elementCount) { names in
                var groups = 0
                for index in children.indices {
                    guard case .element(let child) = children[index] else {
                        groupOf[index] = -1
                        continue
                    }
                    let local = child.name.local
                    var group = 0
                    while group < groups, names[group] != local { group += 1 }
                    if group == groups {
                        (names.baseAddress! + group).initialize(to: local)
                        firstChild[group] = index
                        size[group] = 0
                        groups += 1
                    }
                    size[group] += 1
                    groupOf[index] = group
                }
                for group in 0..<groups {
                    if group > 0 { out.byte(UInt8(ascii: ",")) }
                    out.quoted(names[group])
                    out.byte(UInt8(ascii: ":"))
                    let start = firstChild[group]
                    if size[group] == 1 {
                        if case .element(let child) = children[start] { appendConverted(child, to: &out) }
                        continue
                    }
                    out.byte(UInt8(ascii: "["))
                    var remaining = size[group]
                    var index = start
                    while remaining > 0 {
                        if groupOf[index] == group, case .element(let child) = children[index] {
                            if remaining != size[group] { out.byte(UInt8(ascii: ",")) }
                            appendConverted(child, to: &out)
                            remaining -= 1
                        }
                        index += 1
                    }
                    out.byte(UInt8(ascii: "]"))
                }
                names.baseAddress!.deinitialize(count: groups)
            }
        }
    }

    /// True when `text` has nothing but XML whitespace (space, tab, CR, LF), or is empty.
    static func isWhitespace(_ text: String) -> Bool {
        for byte in text.utf8 {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default: return false
            }
        }
        return true
    }

    // MARK: - Selection

    private static func appendObject(_ fields: [ResponseField], _ element: XMLElement, to out: inout JSONOutput) throws(MappingError) {
        out.byte(UInt8(ascii: "{"))
        try fields.withUnsafeBufferPointer { fields throws(MappingError) in
            for index in fields.indices {
                if index > 0 { out.byte(UInt8(ascii: ",")) }
                out.quoted(fields[index].name)
                out.byte(UInt8(ascii: ":"))
                try appendField(fields[index], element, to: &out)
            }
        }
        out.byte(UInt8(ascii: "}"))
    }

    private static func appendField(_ field: ResponseField, _ element: XMLElement, to out: inout JSONOutput) throws(MappingError) {
        if let each = field.each {
            guard let last = field.path.last else {
                throw MappingError(.unsupportedShape, "field \(MappingError.quoted(field.name)) has `each` but an empty path")
            }
            guard let parent = descend(element, field.path.dropLast()) else {
                out.raw("[]")
                return
            }
            out.byte(UInt8(ascii: "["))
            var first = true
            try parent.children.withUnsafeBufferPointer { children throws(MappingError) in
                for index in children.indices {
                    guard case .element(let item) = children[index], item.name.local == last else { continue }
                    if !first { out.byte(UInt8(ascii: ",")) }
                    first = false
                    try appendObject(each, item, to: &out)
                }
            }
            out.byte(UInt8(ascii: "]"))
            return
        }
        guard let target = descend(element, field.path[...]), !isNil(target) else {
            out.raw("null")
            return
        }
        switch field.type {
        case .string:
            out.quoted(text(target))
        case .raw:
            appendConverted(target, to: &out)
        case .integer, .number:
            let text = trimmed(text(target))
            guard let number = JSONNumberText(text), field.type == .number || number.isInteger else {
                throw invalidValue(field, target.text)
            }
            out.unescaped(text)
        case .boolean:
            switch trimmed(text(target)) {
            case "true", "1": out.raw("true")
            case "false", "0": out.raw("false")
            default: throw invalidValue(field, target.text)
            }
        }
    }

    /// Follows `path` by first match on local names; nil when a step is missing.
    private static func descend(_ element: XMLElement, _ path: ArraySlice<String>) -> XMLElement? {
        if path.count == 1 { return firstChild(element, path[path.startIndex]) }
        var current = element
        for step in path {
            guard let next = firstChild(current, step) else { return nil }
            current = next
        }
        return current
    }

    /// `XMLElement.first(_:)` over the children's storage, without copying non-matching ones.
    private static func firstChild(_ element: XMLElement, _ local: String) -> XMLElement? {
        element.children.withUnsafeBufferPointer { children in
            for index in children.indices {
                if case .element(let child) = children[index], child.name.local == local { return child }
            }
            return nil
        }
    }

    /// `XMLElement.text`, without building a new string for the usual single text child.
    private static func text(_ element: XMLElement) -> String {
        let children = element.children
        if children.isEmpty { return "" }
        if children.count == 1, case .text(let text) = children[0] { return text }
        return element.text
    }

    /// `xsi:nil="true"` (or `"1"`).
    private static func isNil(_ element: XMLElement) -> Bool {
        guard !element.attributes.isEmpty, let value = element.attribute("nil", namespace: schemaInstance) else { return false }
        let flag = trimmed(value)
        return flag == "true" || flag == "1"
    }

    /// `text` without leading and trailing XML whitespace (the `whiteSpace="collapse"` facet
    /// of the numeric and boolean schema types).
    private static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last,
            first == 0x20 || first == 0x09 || first == 0x0A || first == 0x0D
                || last == 0x20 || last == 0x09 || last == 0x0A || last == 0x0D
        else { return text }
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }),
            let end = utf8.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[start...end])
    }

    private static func invalidValue(_ field: ResponseField, _ text: String) -> MappingError {
        MappingError(
            .invalidValue,
            "upstream value \(MappingError.quoted(text)) of field \(MappingError.quoted(field.name)) is not a valid \(field.type)"
        )
    }
}

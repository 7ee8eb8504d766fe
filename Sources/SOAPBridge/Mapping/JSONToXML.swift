import JSON
import XML

/// Writes a JSON request body as XML children by the Oracle API Gateway REST-to-SOAP
/// convention:
///
/// | JSON member `k`            | XML                                              |
/// |----------------------------|--------------------------------------------------|
/// | `"text"`                   | `<k>text</k>` (`""` → `<k></k>`)                 |
/// | number                     | `<k>` + the exact lexeme (`1.10`, `-0`, `1E+2`)  |
/// | `true` / `false`           | `<k>true</k>` / `<k>false</k>`                   |
/// | `null`                     | `<k/>`                                           |
/// | object                     | `<k>` with its members as children; `"@a"` (scalar) → attribute `a`, `"$"` (scalar) → text |
/// | array                      | one `<k>` per item (scalars or objects)          |
///
/// Elements are unqualified (no prefix), as `elementFormDefault="unqualified"` wants. Names
/// must be NCNames; `@xmlns` is refused so a body cannot redeclare namespaces.
public enum JSONToXML {
    /// Writes the members of the JSON object `body` as children of the element currently open
    /// in `writer`, applying `mapping` to the top-level members. When it throws, `writer` is
    /// left exactly as it was.
    public static func writeMembers(
        ofJSON body: [UInt8],
        mapping: RequestMapping = RequestMapping(),
        into writer: inout XMLWriter
    ) throws(MappingError) {
        // Base64 members travel as the caller's JSON text: no tree for them.
        let verbatim = mapping.base64.subtracting(mapping.entries.keys)
        let members = try JSONNode.parseObject(body, verbatim: verbatim)
        if mapping.additional == .reject {
            let named = mapping.named
            if let unknown = members.first(where: { !named.contains($0.name) }) {
                throw MappingError(.unknownMember, "member \(MappingError.quoted(unknown.name)) is not one this operation takes")
            }
        }
        for name in mapping.required {
            let member = members.first { $0.name == name }
            guard let member else {
                throw MappingError(.missingField, "required member \(MappingError.quoted(name)) is missing")
            }
            if case .null = member.value {
                throw MappingError(.missingField, "required member \(MappingError.quoted(name)) is null")
            }
        }
        // Work on a copy so a failure half-way leaves the caller's writer untouched.
        var output = writer
        if mapping.order.isEmpty {
            for member in members {
                try writeTopLevel(member.name, member.value, mapping, body, &output)
            }
        } else {
            var written = [Bool](repeating: false, count: members.count)
            for name in mapping.order {
                guard let index = members.firstIndex(where: { $0.name == name }), !written[index] else { continue }
                written[index] = true
                try writeTopLevel(name, members[index].value, mapping, body, &output)
            }
            for (index, member) in members.enumerated() where !written[index] {
                try writeTopLevel(member.name, member.value, mapping, body, &output)
            }
        }
        writer = output
    }

    private static func writeTopLevel(
        _ name: String,
        _ value: JSONNode,
        _ mapping: RequestMapping,
        _ body: [UInt8],
        _ writer: inout XMLWriter
    ) throws(MappingError) {
        // The writer refuses every name that is not a QName; a colon would make it prefixed.
        guard !hasColon(name) else { throw invalidName(name) }
        if name == "$" || name.utf8.first == UInt8(ascii: "@") {
            throw MappingError(
                .invalidName,
                "member \(MappingError.quoted(name)) is an attribute or text, which only objects below the top level can carry"
            )
        }
        if !mapping.entries.isEmpty, let shape = mapping.entries[name] {
            try writeEntries(name, value, shape, &writer)
        } else if !mapping.base64.isEmpty, mapping.base64.contains(name) {
            try writeBase64(name, value, body, &writer)
        } else {
            try writeElement(name, value, &writer)
        }
    }

    /// One member: an element per value (several for an array). `name` is already validated.
    private static func writeElement(_ name: String, _ value: JSONNode, _ writer: inout XMLWriter) throws(MappingError) {
        switch value {
        case .string(let text):
            if text.isEmpty {
                // `<k></k>`, distinct from null's `<k/>` in the text (both are empty in XML).
                try xml { () throws(XMLError) in
                    try writer.start(name)
                    try writer.end()
                }
            } else {
                try xml { () throws(XMLError) in try writer.element(name, text: text) }
            }
        case .number(let lexeme):
            try xml { () throws(XMLError) in try writer.element(name, text: lexeme) }
        case .bool(let flag):
            try xml { () throws(XMLError) in try writer.element(name, text: flag ? "true" : "false") }
        case .null:
            try xml { () throws(XMLError) in try writer.element(name, text: "") }
        case .array(let items):
            for item in items {
                if case .array = item {
                    throw MappingError(.unsupportedShape, "member \(MappingError.quoted(name)) holds an array inside an array")
                }
                try writeElement(name, item, &writer)
            }
        case .object(let members):
            try writeObject(name, members, &writer)
        case .verbatim:
            // Only base64 members are kept verbatim, and `writeTopLevel` sends them to `writeBase64`.
            preconditionFailure("a verbatim member reached the element writer")
        }
    }

    private static func writeObject(
        _ name: String,
        _ members: [JSONMember],
        _ writer: inout XMLWriter
    ) throws(MappingError) {
        var attributes: [(name: String, value: String)] = []
        for member in members where member.name.utf8.first == UInt8(ascii: "@") {
            let (key, value) = (member.name, member.value)
            let attribute = String(key.dropFirst())
            guard !hasColon(attribute), attribute != "xmlns" else { throw invalidName(key) }
            guard value.isScalar else {
                throw MappingError(.unsupportedShape, "attribute \(MappingError.quoted(key)) must be a string, number, boolean or null")
            }
            // A null attribute is simply absent.
            if let text = value.scalarText {
                attributes.append((attribute, text))
            }
        }
        try xml { () throws(XMLError) in try writer.start(name, attributes: attributes) }
        for member in members {
            let (key, value) = (member.name, member.value)
            if key == "$" {
                guard value.isScalar else {
                    throw MappingError(.unsupportedShape, "text member \"$\" of \(MappingError.quoted(name)) must be a scalar")
                }
                if let text = value.scalarText {
                    try xml { () throws(XMLError) in try writer.text(text) }
                }
                continue
            }
            if key.utf8.first == UInt8(ascii: "@") { continue }
            guard !hasColon(key) else { throw invalidName(key) }
            try writeElement(key, value, &writer)
        }
        try xml { () throws(XMLError) in try writer.end() }
    }

    /// `xs:base64Binary`: a string as its UTF-8 bytes, a scalar as its JSON text, an object or
    /// an array as the caller's JSON text without insignificant whitespace (tokens exactly as
    /// sent, escapes included).
    private static func writeBase64(
        _ name: String,
        _ value: JSONNode,
        _ body: [UInt8],
        _ writer: inout XMLWriter
    ) throws(MappingError) {
        let encoded: String
        switch value {
        case .null:
            encoded = ""
        case .string(let text):
            encoded = Base64.encode(text)
        case .verbatim(let range):
            var json: [UInt8] = []
            body.withUnsafeBufferPointer { JSONCompaction.append(UnsafeBufferPointer(rebasing: $0[range]), to: &json) }
            encoded = json.withUnsafeBufferPointer { Base64.encode($0) }
        case .number, .bool:
            encoded = Base64.encode(value.scalarText ?? "")
        case .object, .array:
            // Only members named in `verbatim` are base64, and those arrive as `.verbatim`.
            preconditionFailure("a base64 member was parsed into a tree")
        }
        try xml { () throws(XMLError) in try writer.element(name, text: encoded) }
    }

    /// `{"a": 1, "b": "x"}` → `<name><key>a</key><value>1</value></name><name>…`.
    private static func writeEntries(
        _ name: String,
        _ value: JSONNode,
        _ shape: EntryShape,
        _ writer: inout XMLWriter
    ) throws(MappingError) {
        let members: [JSONMember]
        switch value {
        case .null: return
        case .object(let found): members = found
        default:
            throw MappingError(.unsupportedShape, "member \(MappingError.quoted(name)) must be an object of name → value")
        }
        guard !hasColon(shape.key), !hasColon(shape.value) else {
            throw MappingError(.invalidName, "entry element names \(MappingError.quoted(shape.key)) / \(MappingError.quoted(shape.value)) are not NCNames")
        }
        for member in members {
            let (key, entry) = (member.name, member.value)
            guard entry.isScalar else {
                throw MappingError(.unsupportedShape, "entry \(MappingError.quoted(key)) of \(MappingError.quoted(name)) must be a scalar")
            }
            try xml { () throws(XMLError) in
                try writer.start(name)
                try writer.element(shape.key, text: key)
                try writer.element(shape.value, text: entry.scalarText ?? "")
                try writer.end()
            }
        }
    }

    /// Element and attribute names are written unprefixed, so they must be NCNames: the
    /// writer checks the QName syntax, this the absence of a colon.
    @inline(__always)
    private static func hasColon(_ name: String) -> Bool {
        name.utf8.contains(UInt8(ascii: ":"))
    }

    private static func invalidName(_ name: String) -> MappingError {
        MappingError(.invalidName, "member name \(MappingError.quoted(name)) is not a valid XML name")
    }

    /// Runs writer calls, turning `XMLError`s into `MappingError`s.
    @inline(__always)
    private static func xml(_ body: () throws(XMLError) -> Void) throws(MappingError) {
        do {
            try body()
        } catch {
            if error.code == .invalidCharacter {
                throw MappingError(.invalidCharacter, "text contains a character XML 1.0 cannot carry: \(error.message)")
            }
            throw MappingError(.invalidName, error.message)
        }
    }
}

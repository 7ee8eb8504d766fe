import JSON

/// An ordered JSON tree that keeps number lexemes, built from `JSONTokenizer`.
///
/// Objects keep their members in document order (attributes may follow child members in
/// JSON but go into the start tag; `RequestMapping.order` reorders), numbers keep their exact
/// text. The tokenizer already refuses duplicate names, bad UTF-8 and excessive depth
/// (`StrictJSON.defaultMaxDepth`), which also bounds the recursion here.
enum JSONNode {
    case object([JSONMember])
    case array([JSONNode])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    /// Parses a complete document whose top-level value must be an object.
    static func parseObject(_ bytes: [UInt8]) throws(MappingError) -> [JSONMember] {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(MappingError) in try parse(buffer) }
        }
        guard case .object(let members) = try result.get() else {
            throw MappingError(.notAnObject, "the body must be a JSON object")
        }
        return members
    }

    /// Parses a complete document (any top-level value).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(MappingError) -> JSONNode {
        var tokens = JSONTokenizer(bytes)
        do throws(JSONError) {
            // An empty body is a JSONError already, so `nil` cannot happen here.
            guard let first = try tokens.next() else { return .null }
            let root = try value(first, &tokens)
            // Drains trailing data: anything but whitespace after the value is an error.
            _ = try tokens.next()
            return root
        } catch {
            throw MappingError(error)
        }
    }

    private static func value(_ token: JSONToken, _ tokens: inout JSONTokenizer) throws(JSONError) -> JSONNode {
        switch token {
        case .objectStart:
            var members: [JSONMember] = []
            members.reserveCapacity(8)
            while let next = try tokens.next() {
                guard case .key(let name) = next else { break }  // objectEnd
                guard let valueToken = try tokens.next() else { break }
                members.append(JSONMember(name: name, value: try value(valueToken, &tokens)))
            }
            return .object(members)
        case .arrayStart:
            var items: [JSONNode] = []
            items.reserveCapacity(8)
            while let next = try tokens.next() {
                if case .arrayEnd = next { break }
                items.append(try value(next, &tokens))
            }
            return .array(items)
        case .string(let text): return .string(text)
        case .number(let number): return .number(number.text)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .key, .objectEnd, .arrayEnd:
            // The tokenizer never yields these where a value starts.
            return .null
        }
    }

    /// True for strings, numbers, booleans and null.
    var isScalar: Bool {
        switch self {
        case .object, .array: false
        default: true
        }
    }

    /// The text a scalar is written as in XML (nil for null, objects and arrays).
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .number(let lexeme): lexeme
        case .bool(let flag): flag ? "true" : "false"
        case .null, .object, .array: nil
        }
    }

    /// Appends compact JSON text: members in document order, numbers as their lexemes,
    /// strings re-escaped by `JSONString`.
    func appendCompact(to out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { out += "," }
                JSONString.appendQuoted(member.name, to: &out)
                out += ":"
                member.value.appendCompact(to: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                item.appendCompact(to: &out)
            }
            out += "]"
        case .string(let text): JSONString.appendQuoted(text, to: &out)
        case .number(let lexeme): out += lexeme
        case .bool(let flag): out += flag ? "true" : "false"
        case .null: out += "null"
        }
    }
}

/// One member of a JSON object, in document order. A struct rather than a tuple: the
/// compiler reports a "circular reference" for a recursive enum over arrays of tuples.
struct JSONMember {
    let name: String
    let value: JSONNode
}

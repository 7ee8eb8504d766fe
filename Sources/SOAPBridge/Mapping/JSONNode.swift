import JSON

/// An ordered JSON tree that keeps number lexemes, built from `JSONTokenizer`.
///
/// A top-level member named in `verbatim` whose value is an object or an array is validated
/// like the rest but not built: it is kept as the range of its text in the body (`.verbatim`),
/// for members that travel on as JSON text (base64 of the caller's JSON) and would otherwise
/// be built into a tree only to be serialized again.
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
    /// An object or array kept as its byte range in the parsed body.
    case verbatim(Range<Int>)

    /// Parses a complete document whose top-level value must be an object; its members named
    /// in `verbatim` are kept as text when they hold an object or an array.
    static func parseObject(_ bytes: [UInt8], verbatim: Set<String> = []) throws(MappingError) -> [JSONMember] {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(MappingError) in try parse(buffer, verbatim: verbatim) }
        }
        guard case .object(let members) = try result.get() else {
            throw MappingError(.notAnObject, "the body must be a JSON object")
        }
        return members
    }

    /// Parses a complete document (any top-level value).
    static func parse(_ bytes: UnsafeRawBufferPointer, verbatim: Set<String> = []) throws(MappingError) -> JSONNode {
        var tokens = JSONTokenizer(bytes)
        do throws(JSONError) {
            // An empty body is a JSONError already, so `nil` cannot happen here.
            guard let first = try tokens.next() else { return .null }
            let root: JSONNode
            if case .objectStart = first, !verbatim.isEmpty {
                root = try object(&tokens, verbatim: verbatim)
            } else {
                root = try value(first, &tokens)
            }
            // Drains trailing data: anything but whitespace after the value is an error.
            _ = try tokens.next()
            return root
        } catch {
            throw MappingError(error)
        }
    }

    /// The members of the top-level object, after its `{`.
    private static func object(_ tokens: inout JSONTokenizer, verbatim: Set<String>) throws(JSONError) -> JSONNode {
        var members: [JSONMember] = []
        members.reserveCapacity(8)
        while let next = try tokens.next() {
            guard case .key(let name) = next else { break }  // objectEnd
            guard let valueToken = try tokens.next() else { break }
            if valueToken.opensContainer, verbatim.contains(name) {
                let start = tokens.tokenOffset
                try skipContainer(&tokens)
                // The tokenizer points at the closing bracket.
                members.append(JSONMember(name: name, value: .verbatim(start..<tokens.tokenOffset + 1)))
            } else {
                members.append(JSONMember(name: name, value: try value(valueToken, &tokens)))
            }
        }
        return .object(members)
    }

    /// Reads (and so validates) the rest of a container whose opening token was just read.
    private static func skipContainer(_ tokens: inout JSONTokenizer) throws(JSONError) {
        var depth = 1
        while depth > 0, let token = try tokens.next() {
            switch token {
            case .objectStart, .arrayStart: depth += 1
            case .objectEnd, .arrayEnd: depth -= 1
            default: break
            }
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
        case .object, .array, .verbatim: false
        default: true
        }
    }

    /// The text a scalar is written as in XML (nil for null, objects and arrays).
    var scalarText: String? {
        switch self {
        case .string(let text): text
        case .number(let lexeme): lexeme
        case .bool(let flag): flag ? "true" : "false"
        case .null, .object, .array, .verbatim: nil
        }
    }
}

extension JSONToken {
    fileprivate var opensContainer: Bool {
        switch self {
        case .objectStart, .arrayStart: true
        default: false
        }
    }
}

/// One member of a JSON object, in document order. A struct rather than a tuple: the
/// compiler reports a "circular reference" for a recursive enum over arrays of tuples.
struct JSONMember {
    let name: String
    let value: JSONNode
}

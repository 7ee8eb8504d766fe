/// The members of a JSON object document, each with its scalar value or, for an object or
/// array, the byte range of its text: for callers that keep parts of a body as the caller's
/// JSON (stored, forwarded) without building trees for them. The whole document is validated
/// as `JSONTokenizer` does (duplicate names included).
public enum JSONTopLevel {
    public enum Value: Sendable, Equatable {
        case string(String)
        case number(JSONNumberText)
        case bool(Bool)
        case null
        case object(Range<Int>)
        case array(Range<Int>)
    }

    public struct Member: Sendable, Equatable {
        public let name: String
        public let value: Value
    }

    /// Nil when the document is valid JSON but not an object.
    public static func members(of bytes: [UInt8]) throws(JSONError) -> [Member]? {
        var tokens = JSONTokenizer(bytes)
        guard try tokens.next() == .objectStart else {
            while try tokens.next() != nil {}
            return nil
        }
        var members: [Member] = []
        while let token = try tokens.next() {
            guard case .key(let name) = token, let first = try tokens.next() else { continue }
            let value: Value
            switch first {
            case .string(let text): value = .string(text)
            case .number(let number): value = .number(number)
            case .bool(let flag): value = .bool(flag)
            case .null: value = .null
            case .objectStart, .arrayStart:
                let start = tokens.tokenOffset
                var depth = 1
                while depth > 0, let inner = try tokens.next() {
                    switch inner {
                    case .objectStart, .arrayStart: depth += 1
                    case .objectEnd, .arrayEnd: depth -= 1
                    default: break
                    }
                }
                let range = start..<(tokens.tokenOffset + 1)
                value = first == .objectStart ? .object(range) : .array(range)
            case .key, .objectEnd, .arrayEnd:
                continue
            }
            members.append(Member(name: name, value: value))
        }
        return members
    }
}

import JSON

/// Why a JSON body or an XML response could not be mapped, and (for bad JSON) where.
///
/// `code` is a small, stable set of reasons for branching and metrics labels
/// (`code.description` is snake_case and never changes); `message` is for humans. On the
/// request side every code is the caller's fault (HTTP 400); on the response side
/// (`XMLToJSON.select`) the upstream broke its contract (HTTP 502).
public struct MappingError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidJSON = "invalid_json"
            case notAnObject = "not_an_object"
            case invalidName = "invalid_name"
            case invalidCharacter = "invalid_character"
            case missingField = "missing_field"
            case unknownMember = "unknown_member"
            case unsupportedShape = "unsupported_shape"
            case invalidValue = "invalid_value"
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The body is not strict RFC 8259 JSON; `offset`/`line`/`column` locate the problem.
        public static let invalidJSON = Code(.invalidJSON)
        /// Valid JSON whose top-level value is not an object.
        public static let notAnObject = Code(.notAnObject)
        /// A member name that cannot be an XML element or attribute name (not an NCName).
        public static let invalidName = Code(.invalidName)
        /// Text that XML 1.0 cannot carry (NUL and most C0 controls, U+FFFE, U+FFFF).
        public static let invalidCharacter = Code(.invalidCharacter)
        /// A required member is absent or null.
        public static let missingField = Code(.missingField)
        /// A top-level member the route does not name, where the route refuses those.
        public static let unknownMember = Code(.unknownMember)
        /// A JSON shape the convention cannot express (an array inside an array, an object
        /// as an attribute value, …) or a mapping that cannot be applied.
        public static let unsupportedShape = Code(.unsupportedShape)
        /// An upstream value that does not match its declared type (`.integer` "12a").
        public static let invalidValue = Code(.invalidValue)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// For `.invalidJSON`: the 0-based byte offset of the offending byte (see `JSONError`).
    public let offset: Int?
    /// For `.invalidJSON`: the 1-based line.
    public let line: Int?
    /// For `.invalidJSON`: the 1-based column, in Unicode scalars.
    public let column: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// `.invalidJSON` carrying the tokenizer's position.
    init(_ json: JSONError) {
        self.init(
            .invalidJSON,
            "invalid JSON at line \(json.line), column \(json.column) (byte \(json.offset)): \(json.message)",
            offset: json.offset, line: json.line, column: json.column
        )
    }

    public var description: String { "MappingError(\(code)): \(message)" }

    /// A name or value from outside, quoted and shortened for messages that may be logged.
    static func quoted(_ text: String) -> String {
        let scalars = text.unicodeScalars
        return JSONString.quoted(scalars.count > 64 ? String(scalars.prefix(64)) + "…" : text)
    }
}

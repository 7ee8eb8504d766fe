/// Why a document is not strict RFC 8259 JSON, and where.
///
/// `code` is a small, stable set of reasons meant for branching and metrics labels
/// (`code.description` is snake_case and never changes); `message` is for humans and may change.
///
/// **Position convention.** `offset` is the 0-based byte offset of the offending byte: the first
/// byte at which the input can no longer be valid JSON (a `}` after a trailing comma, the `1` in
/// `01`, the byte after a truncated escape). When the input ends too early, it is the input's
/// length. Errors about a whole token point at the token's first byte: a duplicate member name
/// (its opening quote), nesting too deep (the `[`/`{` one level too many), a number out of
/// range, a `\u` escape naming a lone surrogate (its backslash), an ill-formed UTF-8 sequence
/// (its first byte), a top-level value that is not an object (its first byte).
/// `line` and `column` describe the same position, both 1-based: lines are separated by LF and
/// columns count Unicode scalars, so `{"a":1,}` fails at line 1, column 8 (offset 7).
public struct JSONError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case syntax
            case duplicateKey = "duplicate_key"
            case tooDeep = "too_deep"
            case invalidUTF8 = "invalid_utf8"
            case invalidNumber = "invalid_number"
            case trailingData = "trailing_data"
            case notAnObject = "not_an_object"
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// Not JSON grammar: a missing or unexpected character, an unterminated string, a bad
        /// escape, a raw control character in a string, a misspelled literal, early end of input.
        public static let syntax = Code(.syntax)
        /// A member name appears twice in one object (compared after unescaping).
        public static let duplicateKey = Code(.duplicateKey)
        /// Arrays and objects nest deeper than the caller's `maxDepth`.
        public static let tooDeep = Code(.tooDeep)
        /// Bytes that are not well-formed UTF-8 (RFC 3629), or a `\u` escape naming a lone
        /// surrogate, i.e. text that no UTF-8 can carry.
        public static let invalidUTF8 = Code(.invalidUTF8)
        /// A number outside the RFC 8259 §6 grammar (leading zero, missing digits), or one a
        /// `Double` cannot hold (`1e999`) where a `JSONValue` is built.
        public static let invalidNumber = Code(.invalidNumber)
        /// Something other than whitespace follows the top-level value.
        public static let trailingData = Code(.trailingData)
        /// Valid JSON whose top-level value is not the object the caller asked for.
        public static let notAnObject = Code(.notAnObject)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// 0-based byte offset of the offending byte (see the position convention above).
    public let offset: Int
    /// 1-based line of `offset` (lines end at LF).
    public let line: Int
    /// 1-based column of `offset`, in Unicode scalars from the start of its line.
    public let column: Int

    private init(_ code: Code, _ message: String, offset: Int, line: Int, column: Int) {
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    /// Locates `offset` in `input`. Only runs when a document is rejected, so the linear scan
    /// costs nothing on success; every byte before `offset` has been validated, so counting
    /// UTF-8 lead bytes counts scalars.
    init(_ code: Code, _ message: String, offset: Int, in input: UnsafeBufferPointer<UInt8>) {
        var line = 1
        var column = 1
        for byte in UnsafeBufferPointer(rebasing: input[0..<min(offset, input.count)]) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        self.init(code, message, offset: offset, line: line, column: column)
    }

    public var description: String {
        "JSONError(\(code)) at line \(line), column \(column) (byte \(offset)): \(message)"
    }
}

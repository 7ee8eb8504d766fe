/// A JSON number exactly as written in the document (`-0`, `1.10`, `12345678901234567890`),
/// already validated against the RFC 8259 §6 grammar.
///
/// Keeping the lexeme lets consumers pass numbers through byte for byte; `doubleValue` is
/// there for those who want arithmetic.
public struct JSONNumberText: Sendable, Hashable, CustomStringConvertible {
    /// The lexeme, or nil when it is exactly `String(smallInteger)`: RFC 8259 integers have
    /// no leading zeros and no `+`, so for those (all but `-0`) the value spells the lexeme.
    /// Every JWT NumericDate is one, and the verification hot path then never builds a string.
    private let lexeme: String?
    /// The value when the lexeme is an integer of at most 15 digits (exact in both `Int64` and
    /// `Double`), computed by the lexer while it scans, so such numbers never reach strtod;
    /// `Int64.min` (never such a value) otherwise. Not an Optional: that would push
    /// `JSONToken` past the 32 bytes Swift returns in registers.
    private let smallInteger: Int64
    /// True when the lexeme has neither a fraction nor an exponent.
    public let isInteger: Bool

    /// A small integer whose lexeme is its canonical spelling (not `-0`).
    init(smallInteger: Int64) {
        self.lexeme = nil
        self.smallInteger = smallInteger
        self.isInteger = true
    }

    init(lexeme: String, isInteger: Bool, smallInteger: Int64?) {
        self.lexeme = lexeme
        self.smallInteger = smallInteger ?? .min
        self.isInteger = isInteger
    }

    /// Validates `text` with the same lexer the tokenizer uses; nil unless the whole text is
    /// exactly one JSON number (no surrounding whitespace).
    public init?(_ text: String) {
        var text = text
        let scanned = text.withUTF8 { buffer -> JSONNumberText? in
            var lexer = JSONLexer(buffer)
            guard !buffer.isEmpty, let number = try? lexer.number(), lexer.index == buffer.count else { return nil }
            return number
        }
        guard let scanned else { return nil }
        self = scanned
    }

    /// The lexeme, unchanged.
    public var text: String { lexeme ?? String(smallInteger) }

    public var description: String { text }

    /// The nearest `Double` (rounding like every IEEE 754 parser: `9007199254740993` becomes
    /// 2^53); nil when the magnitude overflows to infinity (`1e999`). Underflow gives ±0.
    public var doubleValue: Double? {
        if smallInteger != .min { return Double(smallInteger) }
        guard let lexeme, let value = Double(lexeme), value.isFinite else { return nil }
        return value
    }
}

extension JSONLexer {
    /// RFC 8259 §6: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, starting at the
    /// sign or first digit. The lexeme is returned as written; range is the consumer's concern.
    mutating func number() throws(JSONError) -> JSONNumberText {
        let start = index
        var isInteger = true
        let negative = input[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        guard index < input.count, isDigit(input[index]) else { throw numberFailure("expected a digit") }
        let integerStart = index
        // Accumulated as we go (wrapping is harmless: only used for up to 15 digits).
        var magnitude: Int64 = 0
        if input[index] == UInt8(ascii: "0") {
            index += 1
            // No leading zeros: "01" is not a number.
            if index < input.count, isDigit(input[index]) { throw numberFailure("leading zero in number") }
        } else {
            while index < input.count, isDigit(input[index]) {
                magnitude = magnitude &* 10 &+ Int64(input[index] &- UInt8(ascii: "0"))
                index += 1
            }
        }
        if index < input.count, input[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < input.count, isDigit(input[index]) else { throw numberFailure("expected a digit after '.'") }
            skipDigits()
        }
        if index < input.count, input[index] == UInt8(ascii: "e") || input[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < input.count, input[index] == UInt8(ascii: "+") || input[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < input.count, isDigit(input[index]) else { throw numberFailure("expected a digit in the exponent") }
            skipDigits()
        }
        let isSmall = isInteger && index - integerStart <= 15
        if isSmall, !(negative && magnitude == 0) {
            return JSONNumberText(smallInteger: negative ? -magnitude : magnitude)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: input[start..<index]), as: UTF8.self)
        return JSONNumberText(lexeme: text, isInteger: isInteger, smallInteger: isSmall ? 0 : nil)  // "-0" is small
    }

    private mutating func skipDigits() {
        while index < input.count, isDigit(input[index]) { index += 1 }
    }

    private func numberFailure(_ message: String) -> JSONError {
        failure(.invalidNumber, message, at: index)
    }
}

import CXML2

/// Maps libxml2's structured errors onto ``XMLError``.
enum LibXML2Errors {
    /// libxml2 2.9 refuses nesting beyond this depth itself (`xmlParserMaxDepth`, without
    /// XML_PARSE_HUGE) with an XML_ERR_INTERNAL_ERROR "Excessive depth in document".
    static let libraryMaxDepth = 256
    /// Long enough for libxml2's diagnostics, short enough that hostile names cannot flood logs.
    static let maxMessageLength = 200

    static func translate(_ error: xmlError, depth: Int) -> XMLError {
        XMLError(
            self.code(Int(error.code), depth: depth),
            self.message(error.message),
            line: error.line > 0 ? Int(error.line) : nil,
            column: error.int2 > 0 ? Int(error.int2) : nil
        )
    }

    private static func code(_ code: Int, depth: Int) -> XMLError.Code {
        func raw(_ error: xmlParserErrors) -> Int { Int(error.rawValue) }
        switch code {
        case raw(XML_ERR_INVALID_CHAR), raw(XML_ERR_INVALID_CHARREF),
            raw(XML_ERR_INVALID_DEC_CHARREF), raw(XML_ERR_INVALID_HEX_CHARREF),
            raw(XML_I18N_CONV_FAILED):
            // XML 1.0 §2.2 Char production (also via §4.1 character references), or bytes the
            // declared encoding cannot decode (e.g. non-UTF-8 bytes in a UTF-8 document).
            return .invalidCharacter
        case raw(XML_ERR_UNDECLARED_ENTITY), raw(XML_WAR_UNDECLARED_ENTITY):
            // Normally our getEntity callback refuses first; this is the fallback.
            return .entityForbidden
        case raw(XML_ERR_INTERNAL_ERROR) where depth >= self.libraryMaxDepth - 1:
            return .tooDeep
        default:
            return .malformed
        }
    }

    /// libxml2's message, trimmed, without control characters (no log injection) and truncated.
    private static func message(_ message: UnsafeMutablePointer<CChar>?) -> String {
        guard let message else { return "not well-formed" }
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in String(cString: message).unicodeScalars {
            if count == self.maxMessageLength {
                scalars.append("…")
                break
            }
            scalars.append(scalar.value < 0x20 || scalar.value == 0x7F ? " " : scalar)
            count += 1
        }
        let text = String(scalars)
        let trimmed = text.reversed().drop(while: { $0 == " " }).reversed()
        return trimmed.isEmpty ? "not well-formed" : String(trimmed)
    }
}

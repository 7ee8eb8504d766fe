/// Decides, before libxml2 runs, which encoding family the input is in — mirroring libxml2's
/// own detection (`xmlDetectCharEncoding`, XML 1.0 Appendix F) — and refuses encodings whose
/// markup is not plain ASCII code units.
///
/// Why: ``StartTagScanner`` bounds libxml2's work by finding markup in the raw code units. That
/// is exact for UTF-8 and other ASCII-compatible encodings and for UTF-16, but not for encodings
/// where `<` or `=` can hide inside other characters (UTF-7 writes `<` as `+ADw-`, ISO-2022
/// shifts, EBCDIC, UCS-4). Those are also decoders we would rather not expose to hostile bytes.
/// XML 1.0 §4.3.3 only requires UTF-8 and UTF-16.
enum EncodingSniffer {
    enum Family: Equatable {
        case asciiCompatible(bomLength: Int)
        case utf16(bigEndian: Bool, bomLength: Int)
    }

    /// Declared encodings accepted in an ASCII-compatible document: all keep ASCII bytes as ASCII
    /// and use no byte below 0x80 inside other characters. Compared case-insensitively.
    static let asciiCompatibleLabels: Set<String> = {
        var labels: Set<String> = ["UTF-8", "UTF8", "US-ASCII", "ASCII", "LATIN1", "ISO-LATIN-1", "ISO_8859-1"]
        for part in 1...16 where part != 12 {  // ISO-8859-12 was never published.
            labels.insert("ISO-8859-\(part)")
        }
        for page in 1250...1258 {
            labels.insert("WINDOWS-\(page)")
        }
        // A UTF-16 label on ASCII bytes is a lie libxml2 itself reports ("labelled UTF-16 but
        // has UTF-8 content"), so it can pass here.
        labels.formUnion(["UTF-16", "UTF16"])
        return labels
    }()

    /// In a UTF-16 document only the UTF-16 label is consistent; libxml2 would switch decoders
    /// mid-document on any other, and then our scan of the raw units would no longer match.
    static let utf16Labels: Set<String> = ["UTF-16", "UTF16"]

    static func family(of bytes: UnsafeRawBufferPointer) throws(XMLError) -> Family {
        func at(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        let b0 = at(0), b1 = at(1), b2 = at(2), b3 = at(3)
        switch (b0, b1, b2, b3) {
        case (0x00, 0x00, 0x00, 0x3C), (0x3C, 0x00, 0x00, 0x00), (0x00, 0x00, 0x3C, 0x00), (0x00, 0x3C, 0x00, 0x00):
            throw XMLError(.malformed, "UCS-4 encoded documents are not supported", line: 1, column: 1)
        case (0x4C, 0x6F, 0xA7, 0x94):
            throw XMLError(.malformed, "EBCDIC encoded documents are not supported", line: 1, column: 1)
        case (0x3C, 0x00, 0x3F, 0x00):
            return .utf16(bigEndian: false, bomLength: 0)
        case (0x00, 0x3C, 0x00, 0x3F):
            return .utf16(bigEndian: true, bomLength: 0)
        case (0xEF, 0xBB, 0xBF, _):
            return .asciiCompatible(bomLength: 3)
        case (0xFE, 0xFF, _, _):
            return .utf16(bigEndian: true, bomLength: 2)
        case (0xFF, 0xFE, _, _):
            return .utf16(bigEndian: false, bomLength: 2)
        default:
            return .asciiCompatible(bomLength: 0)
        }
    }

    /// Refuses a declared encoding (XML 1.0 §4.3.3 EncodingDecl) outside the allow-list.
    static func checkDeclaredEncoding(_ units: CodeUnits, from start: Int, utf16: Bool) throws(XMLError) {
        guard let label = try self.declaredEncoding(units, from: start) else { return }
        let allowed = utf16 ? self.utf16Labels : self.asciiCompatibleLabels
        guard allowed.contains(label.uppercased()) else {
            throw XMLError(.malformed, "unsupported encoding \"\(label.prefix(40))\"", line: 1, column: 1)
        }
    }

    /// The `encoding` pseudo-attribute of a leading XML declaration (XML 1.0 §2.8 XMLDecl), or
    /// nil. The declaration is parsed strictly: when it is not `name="value"` pairs up to `?>`
    /// we refuse rather than guess how libxml2 would read it.
    private static func declaredEncoding(_ units: CodeUnits, from start: Int) throws(XMLError) -> String? {
        guard units.hasPrefix("<?xml", at: start), start + 5 < units.count, isBlank(units[start + 5]) else {
            return nil
        }
        let malformed = XMLError(.malformed, "malformed XML declaration", line: 1, column: 1)
        var index = start + 5
        var encoding: String?
        while true {
            while index < units.count, isBlank(units[index]) { index += 1 }
            guard index < units.count else { throw malformed }
            if units.hasPrefix("?>", at: index) { return encoding }
            // Pseudo-attribute name: ASCII letters only (version, encoding, standalone).
            let nameStart = index
            while index < units.count, isASCIILetter(units[index]) { index += 1 }
            let name = ascii(units, nameStart..<index)
            while index < units.count, isBlank(units[index]) { index += 1 }
            guard !name.isEmpty, index < units.count, units[index] == UInt16(UInt8(ascii: "=")) else { throw malformed }
            index += 1
            while index < units.count, isBlank(units[index]) { index += 1 }
            guard index < units.count, units[index] == 0x22 || units[index] == 0x27 else { throw malformed }
            let quote = units[index]
            let valueStart = index + 1
            index = valueStart
            // Values are short ASCII tokens; 64 units is plenty and bounds this loop.
            while index < units.count, units[index] != quote, index - valueStart < 64 { index += 1 }
            guard index < units.count, units[index] == quote else { throw malformed }
            if name == "encoding" { encoding = ascii(units, valueStart..<index) }
            index += 1
        }
    }

    private static func isBlank(_ unit: UInt16) -> Bool {
        unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D
    }

    private static func isASCIILetter(_ unit: UInt16) -> Bool {
        (0x41...0x5A).contains(unit) || (0x61...0x7A).contains(unit)
    }

    /// The units as text; anything non-ASCII becomes U+FFFD (it can only fail the allow-list).
    private static func ascii(_ units: CodeUnits, _ range: Range<Int>) -> String {
        String(String.UnicodeScalarView(range.map { index in
            units[index] < 0x80 ? Unicode.Scalar(UInt8(units[index])) : "\u{FFFD}"
        }))
    }
}

/// Name syntax checks for the writer: XML 1.0 (Fifth Edition) §2.3 `Name` and Namespaces in
/// XML 1.0 §3/§4 `QName` = `NCName (':' NCName)?` (an NCName is a Name without colons).
/// libxml2 2.9 applies the same fifth-edition rules to XML 1.0 documents.
enum XMLNameSyntax {
    /// True for a QName: `local` or `prefix:local`, each part an NCName.
    static func isQName(_ name: String) -> Bool {
        var atPartStart = true
        var sawColon = false
        for scalar in name.unicodeScalars {
            if scalar == ":" {
                // At most one colon, and never at either end of the name.
                guard !atPartStart, !sawColon else { return false }
                sawColon = true
                atPartStart = true
            } else if atPartStart {
                guard self.isNameStartChar(scalar) else { return false }
                atPartStart = false
            } else {
                guard self.isNameChar(scalar) else { return false }
            }
        }
        return !atPartStart
    }

    /// NameStartChar without ":" (XML 1.0 §2.3 [4]).
    static func isNameStartChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0x5F: true  // A-Z a-z _
        case 0xC0...0xD6, 0xD8...0xF6, 0xF8...0x2FF: true
        case 0x370...0x37D, 0x37F...0x1FFF, 0x200C...0x200D: true
        case 0x2070...0x218F, 0x2C00...0x2FEF, 0x3001...0xD7FF: true
        case 0xF900...0xFDCF, 0xFDF0...0xFFFD, 0x10000...0xEFFFF: true
        default: false
        }
    }

    /// NameChar without ":" (XML 1.0 §2.3 [4a]).
    static func isNameChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x2D, 0x2E, 0x30...0x39, 0xB7: true  // - . 0-9 ·
        case 0x300...0x36F, 0x203F...0x2040: true
        default: self.isNameStartChar(scalar)
        }
    }
}

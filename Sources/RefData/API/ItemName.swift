import EdgeRuntime
/// The rules for kinds and keys, checked before anything else touches them.
enum ItemName {
    /// `[a-z][a-z0-9-]{0,63}`
    static func checkKind(_ kind: String) throws(APIError) {
        let bytes = Array(kind.utf8)
        guard (1...64).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]),
            bytes.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") })
        else {
            throw APIError(.badRequest, "invalid_kind", "a kind must match [a-z][a-z0-9-]{0,63}, not \(shown(kind))")
        }
    }

    /// `[A-Za-z0-9._:-]{1,128}`
    static func checkKey(_ key: String) throws(APIError) {
        let bytes = Array(key.utf8)
        guard (1...128).contains(bytes.count), bytes.allSatisfy({ isLower($0) || isUpper($0) || isDigit($0) || ".:_-".utf8.contains($0) }) else {
            throw APIError(.badRequest, "invalid_key", "a key must match [A-Za-z0-9._:-]{1,128}, not \(shown(key))")
        }
    }

    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isUpper(_ byte: UInt8) -> Bool { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    /// Quoted and cut short: the name is the caller's and may end up in logs.
    private static func shown(_ name: String) -> String {
        String(String(name.unicodeScalars.prefix(80)).debugDescription)
    }
}

import EdgeRuntime
/// The rules for kinds and keys, checked before anything else touches them.
enum ItemName {
    /// `[a-z][a-z0-9-]{0,63}`
    static func checkKind(_ kind: String) throws(APIError) {
        let bytes = Array(kind.utf8)
        guard (1...64).contains(bytes.count), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0]),
            bytes.allSatisfy({ isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") })
        else {
            throw APIError(.badRequest, "invalid_kind", "a kind must match [a-z][a-z0-9-]{0,63}, not \(APIError.quoted(kind))")
        }
    }

    /// `ReferenceKey.rule`
    static func checkKey(_ key: String) throws(APIError) {
        guard ReferenceKey.isValid(key) else {
            throw APIError(.badRequest, "invalid_key", "a key must match \(ReferenceKey.rule), not \(APIError.quoted(key))")
        }
    }

    private static func isLower(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}

/// The `cursor` of a list page: the last key of the previous page, base64url-encoded so that
/// callers treat it as opaque.
public enum PageCursor {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    public static func cursor(after key: String) -> String {
        let bytes = Array(key.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for (offset, byte) in chunk.enumerated() { value |= Int(byte) << (16 - 8 * offset) }
            for position in 0..<(chunk.count + 1) { out.append(alphabet[value >> (18 - 6 * position) & 0x3F]) }
            index += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The key a cursor stands for; 400 for anything `cursor(after:)` cannot have produced
    /// from a key that `isValid` accepts.
    public static func key(from cursor: String, isValid: (String) -> Bool) throws(APIError) -> String {
        let invalid = APIError(.badRequest, "invalid_cursor", "cursor must be a nextCursor value from an earlier page")
        let digits = Array(cursor.utf8)
        guard !digits.isEmpty, digits.count <= 172, digits.count % 4 != 1 else { throw invalid }
        var bytes: [UInt8] = []
        var index = 0
        while index < digits.count {
            let group = digits[index..<min(index + 4, digits.count)]
            var value = 0
            for (offset, digit) in group.enumerated() {
                guard let sextet = alphabet.firstIndex(of: digit) else { throw invalid }
                value |= sextet << (18 - 6 * offset)
            }
            for position in 0..<(group.count - 1) { bytes.append(UInt8(value >> (16 - 8 * position) & 0xFF)) }
            index += 4
        }
        guard let key = String(validating: bytes, as: UTF8.self), cursor == Self.cursor(after: key) else { throw invalid }
        guard isValid(key) else { throw invalid }
        return key
    }
}

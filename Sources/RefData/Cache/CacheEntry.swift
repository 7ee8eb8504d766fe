/// What a cache holds for one key: the item, or the fact that there is none (a negative
/// entry, so that reads of absent keys do not all reach the database).
enum CacheEntry: Sendable, Equatable {
    case present(RefDataItem)
    case absent

    /// The form stored in Redis: `1 VERSION UPDATED_AT_MS\nVALUE` or `0`.
    var encoded: [UInt8] {
        switch self {
        case .absent:
            return [UInt8(ascii: "0")]
        case .present(let item):
            return Array("1 \(item.version) \(item.updatedAtMs)\n\(item.value)".utf8)
        }
    }

    /// Nil for anything that is not exactly that form: a cache is outside data too.
    init?(decoding bytes: [UInt8], kind: String, key: String) {
        if bytes == [UInt8(ascii: "0")] {
            self = .absent
            return
        }
        guard bytes.count > 2, bytes[0] == UInt8(ascii: "1"), bytes[1] == UInt8(ascii: " "),
            let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))
        else { return nil }
        let header = bytes[2..<newline].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard header.count == 2,
            let version = Int64(String(decoding: header[0], as: UTF8.self)), version > 0,
            let updated = Int64(String(decoding: header[1], as: UTF8.self)),
            let value = String(validating: bytes[(newline + 1)...], as: UTF8.self),
            value.utf8.first == UInt8(ascii: "{")
        else { return nil }
        self = .present(RefDataItem(kind: kind, key: key, version: version, value: value, updatedAtMs: updated))
    }
}

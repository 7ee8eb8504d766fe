/// `kind/key`: one item's name in caches and invalidation messages. Neither part can hold a
/// `/` (see `ItemName`), so the pair is unambiguous.
struct ItemID: Sendable, Hashable, CustomStringConvertible {
    let kind: String
    let key: String

    var description: String { "\(kind)/\(key)" }
    var bytes: [UInt8] { Array(description.utf8) }

    /// Parses an invalidation message; nil for anything else.
    init?(message: [UInt8]) {
        guard let text = String(validating: message, as: UTF8.self), let slash = text.firstIndex(of: "/") else { return nil }
        kind = String(text[..<slash])
        key = String(text[text.index(after: slash)...])
    }

    init(kind: String, key: String) {
        self.kind = kind
        self.key = key
    }
}

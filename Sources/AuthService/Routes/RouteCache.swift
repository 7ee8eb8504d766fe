import Synchronization

/// What the route table requires of a request-target and method, remembered: normalising a
/// path (percent-decoding, dot segments, splitting) is the costliest string work of a cached
/// decision, and a gateway sees the same few paths over and over. Bounded in entries and in
/// the length of the paths it keeps, so a client sending endless new paths costs memory only
/// up to the bound (the table is emptied when full).
final class RouteCache: Sendable {
    struct Key: Hashable, Sendable {
        let target: String
        let method: String
    }

    /// nil: the path itself is refused (`bad_path`).
    typealias Verdict = RouteTable.Requirement?

    private let entries = Mutex<[Key: Verdict]>([:])
    private let table: RouteTable
    static let capacity = 4096
    static let longestTarget = 256

    init(table: RouteTable) {
        self.table = table
    }

    var count: Int { entries.withLock { $0.count } }

    func requirement(target: String, method: String) -> Verdict {
        guard target.utf8.count <= Self.longestTarget else { return Self.evaluate(table, target, method) }
        let key = Key(target: target, method: method)
        if let known = entries.withLock({ $0[key] }) { return known }
        let verdict = Self.evaluate(table, target, method)
        entries.withLock { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = verdict
        }
        return verdict
    }

    private static func evaluate(_ table: RouteTable, _ target: String, _ method: String) -> Verdict {
        guard let segments = try? PathNormalizer.segments(of: target) else { return nil }
        return table.requirement(segments: segments, method: method)
    }
}

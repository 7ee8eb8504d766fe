import Database

/// The reference data repository: one interface, an SQLite and a PostgreSQL implementation.
///
/// Every write takes a new version from a store-wide counter, inside the write's transaction,
/// so versions are unique and increase over the whole store: ETags never repeat, and a cache
/// can tell an older value from a newer one for any key.
public protocol RefDataStore: DatabaseStore {

    func item(kind: String, key: String) async throws(DatabaseError) -> RefDataItem?

    /// Items of `kind` with keys after `after` (byte order), at most `limit`.
    func list(kind: String, after: String?, limit: Int) async throws(DatabaseError) -> [RefDataItem]

    /// Creates or replaces; with `ifMatch`, only when the current version is that one (0: only
    /// when the key does not exist; versions start at 1).
    func put(kind: String, key: String, value: String, ifMatch: Int64?, nowMs: Int64) async throws(DatabaseError) -> PutOutcome

    /// Deletes; with `ifMatch`, only when the current version is that one (0 never matches).
    func delete(kind: String, key: String, ifMatch: Int64?) async throws(DatabaseError) -> DeleteOutcome

}

public enum PutOutcome: Sendable, Equatable {
    case created(RefDataItem)
    case replaced(RefDataItem)
    /// `If-Match` named another version; `current` is nil when the key does not exist.
    case preconditionFailed(current: Int64?)
}

public enum DeleteOutcome: Sendable, Equatable {
    case deleted
    case notFound
    case preconditionFailed(current: Int64)
}

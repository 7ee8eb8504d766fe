/// One reference data item as stored: its value is the compact text of a JSON object.
public struct RefDataItem: Sendable, Equatable {
    public var kind: String
    public var key: String
    /// Unique across the whole store and increasing with every write (see `RefDataStore`), so
    /// an ETag never repeats, even when a key is deleted and created again.
    public var version: Int64
    /// A JSON object, validated and without insignificant whitespace.
    public var value: String
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var updatedAtMs: Int64

    public init(kind: String, key: String, version: Int64, value: String, updatedAtMs: Int64) {
        self.kind = kind
        self.key = key
        self.version = version
        self.value = value
        self.updatedAtMs = updatedAtMs
    }
}

/// One step of a component's schema, applied once, in order, inside a transaction, and
/// recorded in `oms_schema_migrations`. Each backend has its own SQL.
public struct Migration: Sendable {
    public var component: String
    public var version: Int
    public var sqlite: [String]
    public var postgres: [String]

    public init(component: String, version: Int, sqlite: [String], postgres: [String]) {
        self.component = component
        self.version = version
        self.sqlite = sqlite
        self.postgres = postgres
    }
}

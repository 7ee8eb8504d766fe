import EdgeRuntime

/// `database.url` and `database.timeout_ms`, as every role on the OMS database reads them.
public struct DatabaseSettings: Sendable, Equatable {
    public var url: DatabaseURL
    /// Bound of every PostgreSQL call, waiting for a connection included.
    public var timeout: Duration

    public init(reader: ConfigReader) throws(ConfigError) {
        let text = try reader.string("database.url", default: "sqlite:oms.db")
        do {
            url = try DatabaseURL(parsing: text)
        } catch {
            throw ConfigError(key: "database.url", error.message)
        }
        timeout = .milliseconds(try reader.int("database.timeout_ms", default: 5000, in: 100...600_000))
    }
}

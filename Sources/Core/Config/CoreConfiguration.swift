import Database
import EdgeRuntime

/// What the core is configured with, validated once at start-up. The jobs' settings
/// (`refdata.url`, `soap_bridge.url`, `jobs.*`, `kafka.*`) arrive with the jobs.
public struct CoreConfiguration: Sendable {
    public var server: ServerSettings
    /// Largest request body (413 beyond).
    public var maxBodyBytes: Int = 1 << 20
    public var database: DatabaseURL
    /// Bound of every PostgreSQL call (`database.timeout_ms`).
    public var databaseTimeout: Duration = .seconds(5)

    public init(server: ServerSettings = .init(port: 8084), database: DatabaseURL) {
        self.server = server
        self.database = database
    }

    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 8084)
        maxBodyBytes = try reader.int("server.max_body_bytes", default: maxBodyBytes, in: 1024...(64 << 20))
        let url = try reader.string("database.url", default: "sqlite:oms.db")
        do {
            database = try DatabaseURL(parsing: url)
        } catch {
            throw ConfigError(key: "database.url", error.message)
        }
        databaseTimeout = .milliseconds(try reader.int("database.timeout_ms", default: 5000, in: 100...600_000))
    }
}

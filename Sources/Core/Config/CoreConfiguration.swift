import Database
import EdgeRuntime

/// What the core is configured with, validated once at start-up.
public struct CoreConfiguration: Sendable {
    public var server: ServerSettings
    /// Largest request body (413 beyond).
    public var maxBodyBytes: Int = 1 << 20
    public var database: DatabaseURL
    /// Bound of every PostgreSQL call (`database.timeout_ms`).
    public var databaseTimeout: Duration = .seconds(5)
    public var jobs = JobSettings()

    public init(server: ServerSettings = .init(port: 8084), database: DatabaseURL) {
        self.server = server
        self.database = database
    }

    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 8084)
        maxBodyBytes = try reader.int("server.max_body_bytes", default: maxBodyBytes, in: 1024...(64 << 20))
        let database = try DatabaseSettings(reader: reader)
        self.database = database.url
        databaseTimeout = database.timeout
        if let url = try reader.httpURL("refdata.url") { jobs.refdataURL = Self.trimmed(url) }
        if let url = try reader.httpURL("soap_bridge.url") { jobs.bridgeURL = Self.trimmed(url) }
        jobs.enabled = try reader.bool("jobs.enabled", default: true)
        jobs.interval = .milliseconds(try reader.int("jobs.interval_ms", default: 200, in: 10...600_000))
        jobs.batchSize = try reader.int("jobs.batch_size", default: 32, in: 1...1000)
        jobs.lease = .seconds(try reader.int("jobs.lease_s", default: 30, in: 1...86_400))
        jobs.maxAttempts = try reader.int("jobs.max_attempts", default: 5, in: 1...100)
        jobs.backoffBase = .milliseconds(try reader.int("jobs.backoff_base_ms", default: 500, in: 1...600_000))
        jobs.callTimeout = .milliseconds(try reader.int("jobs.call_timeout_ms", default: 10_000, in: 100...600_000))
        if try reader.has("kafka.brokers") {
            throw ConfigError(key: "kafka.brokers", "publishing to Kafka is not built yet; leave it out (final statuses are kept in the database)")
        }
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

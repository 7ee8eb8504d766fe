import Access
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
    public var outbox = OutboxSettings()
    /// Finished requests are deleted this many days after they finished
    /// (`retention.finished_days`); 0 keeps them for ever.
    public var retentionDays = 90
    /// Who may call, and with which scopes (`access.*`).
    public var access: AccessConfiguration

    /// The endpoints the access check knows, with their default scopes: intake; status and
    /// list; rerun, through the API and from the operator page.
    public static let accessEndpoints = ["intake": ["documents.write"], "status": ["documents.read"], "rerun": ["operator"]]

    public init(server: ServerSettings = .init(port: 8084), database: DatabaseURL, access: AccessConfiguration) {
        self.server = server
        self.database = database
        self.access = access
    }

    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 8084)
        maxBodyBytes = try reader.int("server.max_body_bytes", default: maxBodyBytes, in: 1024...(64 << 20))
        let database = try DatabaseSettings(reader: reader)
        self.database = database.url
        databaseTimeout = database.timeout
        if let url = try reader.httpURL("refdata.url") { jobs.refdataURL = Self.trimmed(url) }
        if let url = try reader.httpURL("soap_bridge.url") { jobs.bridgeURL = Self.trimmed(url) }
        jobs.refdataTLS = try reader.tls("refdata")
        jobs.bridgeTLS = try reader.tls("soap_bridge")
        jobs.refdataClient = try ClientCredentials.read(reader, prefix: "refdata")
        jobs.bridgeClient = try ClientCredentials.read(reader, prefix: "soap_bridge")
        jobs.batchLookup = try reader.bool("soap_bridge.batch_lookup", default: true)
        jobs.enabled = try reader.bool("jobs.enabled", default: true)
        retentionDays = try reader.int("retention.finished_days", default: retentionDays, in: 0...36_500)
        jobs.interval = .milliseconds(try reader.int("jobs.interval_ms", default: 200, in: 10...600_000))
        jobs.batchSize = try reader.int("jobs.batch_size", default: 32, in: 1...1000)
        jobs.lease = .seconds(try reader.int("jobs.lease_s", default: 30, in: 1...86_400))
        jobs.maxAttempts = try reader.int("jobs.max_attempts", default: 5, in: 1...100)
        jobs.backoffBase = .milliseconds(try reader.int("jobs.backoff_base_ms", default: 500, in: 1...600_000))
        jobs.callTimeout = .milliseconds(try reader.int("jobs.call_timeout_ms", default: 10_000, in: 100...600_000))
        outbox.brokers = try Self.brokers(reader)
        outbox.topic = try Self.topic(reader)
        outbox.batchSize = try reader.int("kafka.batch_size", default: outbox.batchSize, in: 1...10_000)
        outbox.interval = .milliseconds(try reader.int("kafka.interval_ms", default: 200, in: 10...600_000))
        outbox.messageTimeout = .milliseconds(try reader.int("kafka.message_timeout_ms", default: 10_000, in: 1_000...600_000))
        outbox.sentRetention = .seconds(3600 * (try reader.int("kafka.sent_retention_h", default: 168, in: 1...87_600)))
        outbox.connection = try KafkaConnection.properties(reader, brokers: outbox.brokers)
        do {
            try outbox.producer.validate()
        } catch {
            // librdkafka's own words: a misspelt name or a value it does not take.
            let name = error.message.split(separator: ":").first.map(String.init) ?? ""
            throw ConfigError(key: "kafka.properties.\(name)", error.message)
        }
        access = try AccessConfiguration(reader: reader, endpoints: Self.accessEndpoints)
    }

    /// `host:port` each; librdkafka would take other shapes and fail later, quietly.
    private static func brokers(_ reader: ConfigReader) throws(ConfigError) -> [String] {
        let brokers = try reader.stringList("kafka.brokers")
        for broker in brokers {
            let parts = broker.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (1...65_535).contains(port),
                  parts[0].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else {
                throw ConfigError(key: "kafka.brokers", "expected host:port for each broker, got '\(broker.prefix(80))'")
            }
        }
        return brokers
    }

    /// Kafka's own rule for topic names: 1–249 of letters, digits, '.', '_' and '-', not '.' or '..'.
    private static func topic(_ reader: ConfigReader) throws(ConfigError) -> String {
        let topic = try reader.string("kafka.topic", default: "oms.document.status")
        let allowed = topic.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) }
        guard (1...249).contains(topic.count), allowed, topic != ".", topic != ".." else {
            throw ConfigError(key: "kafka.topic", "expected 1 to 249 of letters, digits, '.', '_' and '-', got '\(topic.prefix(80))'")
        }
        return topic
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}

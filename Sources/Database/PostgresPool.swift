import Logging
import NIOCore
import NIOSSL
import PostgresNIO
import Synchronization
import TLS

/// The production OMS database: a PostgreSQL connection pool (postgres-nio), running for as
/// long as this object lives, until `close()`.
public final class PostgresPool: Sendable {
    public let client: PostgresClient
    public let endpoint: DatabaseURL.PostgresEndpoint
    private let running: Task<Void, Never>
    private let logger: Logger
    /// Bound of every call, waiting for a connection included.
    public let timeout: Duration
    /// One connection made the pool's way, to learn why the pool cannot connect.
    private let probe: PostgresConnection.Configuration
    private let probeTimeout: Duration
    private let lastProbe = Mutex<(at: ContinuousClock.Instant, problem: String?)?>(nil)

    /// Starts the pool; connections are made on first use (`connectTimeout` each).
    public init(endpoint: DatabaseURL.PostgresEndpoint, maximumConnections: Int = 16, connectTimeout: Duration = .seconds(5), timeout: Duration = .seconds(5), logger: Logger) throws(DatabaseError) {
        let tls = try Self.tlsConfiguration(endpoint)
        var configuration = PostgresClient.Configuration(
            host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
            database: endpoint.database, tls: tls.map { $0.prefer ? .prefer($0.configuration) : .require($0.configuration) } ?? .disable
        )
        configuration.options.tlsServerName = endpoint.tls.serverName
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = connectTimeout
        var probe: PostgresConnection.Configuration
        do {
            let context = try tls.map { try NIOSSLContext(configuration: $0.configuration) }
            probe = PostgresConnection.Configuration(
                host: endpoint.host, port: endpoint.port, username: endpoint.username, password: endpoint.password,
                database: endpoint.database, tls: context.map { tls?.prefer == true ? .prefer($0) : .require($0) } ?? .disable
            )
        } catch {
            throw DatabaseError(.unavailable, "PostgreSQL: tls: \(error)")
        }
        probe.options.tlsServerName = endpoint.tls.serverName
        probe.options.connectTimeout = TimeAmount(connectTimeout)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.endpoint = endpoint
        self.logger = logger
        self.timeout = timeout
        self.probe = probe
        self.probeTimeout = min(connectTimeout, .seconds(2))
        self.running = Task { await client.run() }
    }

    /// libpq's `sslmode` as swift-nio-ssl settings (nil for `disable`), TLS 1.2 at least.
    /// `prefer` may fall back to plain text; every other mode never does.
    static func tlsConfiguration(_ endpoint: DatabaseURL.PostgresEndpoint) throws(DatabaseError) -> (configuration: TLSConfiguration, prefer: Bool)? {
        let settings = endpoint.tls
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        switch endpoint.sslMode {
        case .disable: return nil
        case _ where settings.insecureSkipVerify: configuration.certificateVerification = .none
        case .verifyFull: configuration.certificateVerification = .fullVerification
        case .verifyCA: configuration.certificateVerification = .noHostnameVerification
        case .require: configuration.certificateVerification = settings.caFile == nil ? .none : .noHostnameVerification
        case .prefer: configuration.certificateVerification = .none
        }
        if let caFile = settings.caFile {
            configuration.trustRoots = .file(caFile)
        }
        if let certFile = settings.certFile, let keyFile = settings.keyFile {
            do {
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            } catch {
                throw DatabaseError(.unavailable, "PostgreSQL: tls: cannot load database.tls.cert_file/key_file: \(error)")
            }
        }
        return (configuration, endpoint.sslMode == .prefer)
    }

    /// Why a new connection cannot be made right now, or nil when one can. The pool retries
    /// failed connects quietly in the background, so a waiting call only ever sees its
    /// deadline; this asks one connection directly (at most once a second, whoever asks).
    public func connectionProblem() async -> String? {
        let now = ContinuousClock.now
        if let last = lastProbe.withLock({ $0 }), now - last.at < .seconds(1) {
            return last.problem
        }
        let (probe, logger) = (self.probe, self.logger)
        let problem: String?
        do {
            let connection = try await Deadline.run(probeTimeout, "connecting to PostgreSQL") {
                try await PostgresConnection.connect(configuration: probe, id: 0, logger: logger)
            }
            try? await connection.close()
            problem = nil
        } catch {
            problem = Self.describe(error)
        }
        lastProbe.withLock { $0 = (now, problem) }
        return problem
    }

    /// `Deadline.run`, with the reason the pool could not connect when the deadline passed.
    private func bounded<T: Sendable>(_ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        do {
            return try await Deadline.run(timeout, what, body)
        } catch let error as DatabaseError where error.code == .unavailable {
            if let problem = await connectionProblem() {
                throw DatabaseError(.unavailable, "PostgreSQL: \(problem)")
            }
            throw error
        }
    }

    /// Runs `body` with the client, within `timeout`.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        let client = self.client
        return try await bounded("a PostgreSQL call") { try await body(client) }
    }

    /// Runs `body` in a transaction, within `timeout`; commits when it returns, rolls back
    /// when it throws.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let (client, logger) = (self.client, self.logger)
        return try await bounded("a PostgreSQL transaction") {
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    /// Applies the migrations that `oms_schema_migrations` does not list yet, each in its own
    /// transaction; an advisory lock makes instances starting together take turns.
    public func migrate(_ migrations: [Migration]) async throws(DatabaseError) {
        let logger = self.logger
        do {
            try await transaction { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS oms_schema_migrations (
                        component TEXT NOT NULL, version INTEGER NOT NULL, applied_at_ms BIGINT NOT NULL,
                        PRIMARY KEY (component, version))
                    """, logger: logger)
            }
            for migration in migrations.sorted(by: { ($0.component, $0.version) < ($1.component, $1.version) }) {
                try await transaction { connection in
                    try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                    let applied = try await connection.query(
                        "SELECT 1 FROM oms_schema_migrations WHERE component = \(migration.component) AND version = \(migration.version)",
                        logger: logger
                    ).collect()
                    guard applied.isEmpty else { return }
                    for statement in migration.postgres {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO oms_schema_migrations (component, version, applied_at_ms) VALUES (\(migration.component), \(migration.version), \(WallClock.millisecondsNow()))",
                        logger: logger
                    )
                }
            }
        } catch {
            throw DatabaseError(.migration, "PostgreSQL migration of \(endpoint.database) on \(endpoint.host):\(endpoint.port) failed: \(Self.describe(error))")
        }
    }

    /// Runs `body`, turning whatever it throws into a `DatabaseError` (`.unavailable` with the
    /// server's reason, unless it already is one).
    public static func mapped<T>(_ body: () async throws -> T) async throws(DatabaseError) -> T {
        do {
            return try await body()
        } catch let error as DatabaseError {
            throw error
        } catch {
            throw DatabaseError(.unavailable, "PostgreSQL: \(describe(error))")
        }
    }

    /// A one-line reason: PSQLError's own description hides the server's message.
    public static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return describe(underlying) }
            if error.code == .sslUnsupported { return "tls: the server does not offer TLS (sslmode requires it)" }
            return "\(error.code)"
        }
        if let error = error as? NIOSSLError {
            let text = String(describing: error)
            // BoringSSL's reason is in the description; spelt the way operators search for it.
            return text.contains("CERTIFICATE_VERIFY_FAILED") ? "tls: certificate verify failed" : "tls: \(text)"
        }
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "tls: certificate verify failed: the certificate does not name the server (\(error))"
        }
        if error is NIOSSLExtraError {
            return "tls: \(error)"
        }
        return "\(error)"
    }

    public func close() async {
        running.cancel()
        _ = await running.value
    }

    /// Any constant will do, as long as every OMS component migrates under the same one.
    private static let migrationLock: Int64 = 0x4F4D_535F_4D49_4752
}

import EdgeRuntime
import TLS

/// `database.url`, `database.password(_file)`, `database.tls.*` and `database.timeout_ms`,
/// as every role on the OMS database reads them.
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
        let password = try reader.secret("database.password")
        let tls = try reader.tls("database")
        timeout = .milliseconds(try reader.int("database.timeout_ms", default: 5000, in: 100...600_000))
        guard case .postgres(var endpoint) = url else {
            if password != nil { throw ConfigError(key: "database.password", "only PostgreSQL takes a password (database.url is sqlite:)") }
            if !tls.isDefault { throw ConfigError(key: "database.tls", "only PostgreSQL connects over TLS (database.url is sqlite:)") }
            return
        }
        if let password {
            guard endpoint.password == nil else {
                throw ConfigError(key: "database.password", "database.url already carries a password: give it in one place")
            }
            endpoint.password = password.value
        }
        endpoint.tls = try Self.merged(urlTLS: endpoint.tls, block: tls, mode: endpoint.sslMode)
        Self.warnAboutUnverifiedTLS(endpoint, reader: reader)
        url = .postgres(endpoint)
    }

    /// `sslrootcert` in the URL and `database.tls.ca_file` say the same thing: one or the other.
    private static func merged(urlTLS: TLSSettings, block: TLSSettings, mode: DatabaseURL.SSLMode) throws(ConfigError) -> TLSSettings {
        if mode == .disable, !block.isDefault || urlTLS.caFile != nil {
            throw ConfigError(key: "database.tls", "TLS settings are given but database.url says sslmode=disable")
        }
        var merged = block
        if let root = urlTLS.caFile {
            guard block.caFile == nil else {
                throw ConfigError(key: "database.tls.ca_file", "database.url already names sslrootcert: give the root certificate in one place")
            }
            guard !block.insecureSkipVerify else {
                throw ConfigError(key: "database.tls.insecure_skip_verify", "verifies nothing, so sslrootcert would be ignored")
            }
            merged.caFile = root
            do {
                _ = try TLSClientContext(merged)
            } catch {
                throw ConfigError(key: "database.url", "sslrootcert: \(error.message)")
            }
        }
        return merged
    }

    /// libpq's `prefer` and `require` do not check who answers; on anything but loopback that
    /// is worth a line at every start.
    private static func warnAboutUnverifiedTLS(_ endpoint: DatabaseURL.PostgresEndpoint, reader: ConfigReader) {
        guard !LoopbackHost.contains(endpoint.host) else { return }
        switch endpoint.sslMode {
        case .disable:
            reader.warn("database.url", "sslmode=disable: the connection to \(endpoint.host) is plain text")
        case .prefer:
            reader.warn("database.url", "sslmode=prefer (the default) may fall back to plain text and does not verify \(endpoint.host): use sslmode=verify-full")
        case .require where endpoint.tls.caFile == nil:
            reader.warn("database.url", "sslmode=require encrypts but does not verify \(endpoint.host): use sslmode=verify-full")
        default:
            break
        }
    }
}

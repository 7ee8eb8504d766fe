import TLS

/// Where a Redis server listens, which logical database to use, and how to connect: TLS
/// (`rediss://`) and `AUTH` credentials.
public struct RedisEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var database: Int
    /// nil: plain TCP (`redis://`). Otherwise TLS with these settings, and never plain text.
    public var tls: TLSSettings?
    /// Sent with `AUTH` after every connect.
    public var credentials: RedisCredentials?

    public init(host: String, port: Int = 6379, database: Int = 0, tls: TLSSettings? = nil, credentials: RedisCredentials? = nil) {
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
        self.credentials = credentials
    }

    /// Parses `redis://host[:port][/db]` or `rediss://…` (TLS, port 6380 by default as on
    /// Azure Cache for Redis; the system trust store until `tls` is set).
    ///
    /// The URL usually comes from configuration, so anything beyond that shape is refused
    /// rather than guessed at: credentials, query strings and fragments would otherwise be
    /// silently ignored, and a half-understood URL points the cache at the wrong place.
    /// IPv6 literals go in brackets (`redis://[::1]:6380`).
    public init(url: String) throws(RedisError) {
        guard url.utf8.count <= Self.maximumURLLength else {
            throw Self.invalid("longer than \(Self.maximumURLLength) bytes")
        }
        guard url.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value != 0x7F }) else {
            throw Self.invalid("only printable ASCII without spaces is allowed")
        }
        guard let separator = url.firstRange(of: "://") else {
            throw Self.invalid("expected redis://host[:port][/db]")
        }
        let scheme = url[..<separator.lowerBound].lowercased()
        let secure: Bool
        switch scheme {
        case "redis": secure = false
        case "rediss": secure = true
        default: throw Self.invalid("unsupported scheme '\(scheme)', expected redis:// or rediss://")
        }
        let rest = url[separator.upperBound...]
        if rest.contains("?") { throw Self.invalid("query parameters are not supported") }
        if rest.contains("#") { throw Self.invalid("fragments are not supported") }
        if rest.contains("@") {
            throw Self.invalid("credentials do not go in the URL: set redis.username and redis.password (or redis.password_file)")
        }
        if rest.contains("%") { throw Self.invalid("percent-encoding is not supported") }

        let authority: Substring
        let path: Substring
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            path = rest[rest.index(after: slash)...]
        } else {
            authority = rest
            path = ""
        }
        let (host, port) = try Self.parseAuthority(authority, defaultPort: secure ? 6380 : 6379)
        self.init(host: host, port: port, database: try Self.parseDatabase(path), tls: secure ? TLSSettings() : nil)
    }

    static let maximumURLLength = 1024

    private static func parseAuthority(_ authority: Substring, defaultPort: Int) throws(RedisError) -> (String, Int) {
        let host: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unterminated IPv6 literal") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else {
                throw invalid("unexpected characters after the IPv6 literal")
            }
            guard !host.isEmpty, host.contains(":"), host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw invalid("malformed IPv6 literal '\(host)'")
            }
        } else {
            let parts = authority.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            host = parts[0]
            portText = parts.count > 1 ? parts[1] : nil
            guard !host.isEmpty else { throw invalid("empty host") }
            guard host.utf8.count <= 253 else { throw invalid("host name longer than 253 bytes") }
            guard host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else {
                throw invalid("invalid character in host '\(host)'")
            }
            guard !host.hasPrefix("-"), !host.hasPrefix("."), !host.contains("..") else {
                throw invalid("malformed host '\(host)'")
            }
        }
        guard let portText else { return (String(host), defaultPort) }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (1...65535).contains(port)
        else {
            throw invalid("port must be a number from 1 to 65535, got '\(portText)'")
        }
        return (String(host), port)
    }

    private static func parseDatabase(_ path: Substring) throws(RedisError) -> Int {
        if path.isEmpty { return 0 }
        // Redis numbers databases 0..<databases (16 by default); the server has the final
        // word through SELECT, this only keeps the value a plain small integer.
        guard path.count <= 9, path.allSatisfy({ $0.isASCII && $0.isNumber }), let database = Int(path) else {
            throw invalid("database must be a non-negative integer, got '\(path)'")
        }
        return database
    }

    private static func invalid(_ reason: String) -> RedisError {
        RedisError(.invalidURL, "invalid Redis URL: \(reason)")
    }
}

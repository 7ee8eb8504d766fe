/// Where a Redis server listens and which logical database to use.
public struct RedisEndpoint: Sendable, Equatable {
    public var host: String
    public var port: Int
    public var database: Int

    public init(host: String, port: Int = 6379, database: Int = 0) {
        self.host = host
        self.port = port
        self.database = database
    }

    /// Parses `redis://host[:port][/db]`.
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
        switch scheme {
        case "redis": break
        case "rediss": throw Self.invalid("TLS (rediss://) is not supported")
        default: throw Self.invalid("unsupported scheme '\(scheme)', expected redis://")
        }
        let rest = url[separator.upperBound...]
        if rest.contains("?") { throw Self.invalid("query parameters are not supported") }
        if rest.contains("#") { throw Self.invalid("fragments are not supported") }
        if rest.contains("@") { throw Self.invalid("credentials (user:password@) are not supported") }
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
        let (host, port) = try Self.parseAuthority(authority)
        self.init(host: host, port: port, database: try Self.parseDatabase(path))
    }

    static let maximumURLLength = 1024

    private static func parseAuthority(_ authority: Substring) throws(RedisError) -> (String, Int) {
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
        guard let portText else { return (String(host), 6379) }
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

import TLS

/// `database.url`: `sqlite:PATH` (the embedded default) or
/// `postgres://user[:password]@host[:port]/database[?sslmode=…&sslrootcert=…]`.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresEndpoint)

    /// libpq's `sslmode`, with libpq's meanings: `disable` never encrypts; `prefer` (the
    /// default) encrypts when the server offers it and verifies nothing; `require` always
    /// encrypts and verifies the chain only when a root certificate is given; `verify-ca`
    /// verifies the chain; `verify-full` the chain and the host name. From `require` up,
    /// the connection never falls back to plain text.
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable
        case prefer
        case require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public struct PostgresEndpoint: Sendable, Equatable, CustomStringConvertible {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String
        public var sslMode: SSLMode
        /// Trust (`sslrootcert` or `database.tls.ca_file`), client certificate and server name.
        public var tls: TLSSettings

        public init(host: String, port: Int, username: String, password: String?, database: String, sslMode: SSLMode = .prefer, tls: TLSSettings = TLSSettings()) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.sslMode = sslMode
            self.tls = tls
        }

        /// Without the password: this is what logs and error messages may show.
        public var description: String {
            let address = host.contains(":") ? "[\(host)]" : host
            return "postgres://\(username)@\(address):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
        }
    }

    /// Throws the reason when `text` is neither form.
    public init(parsing text: String) throws(DatabaseURLError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty, !path.contains("\0") else { throw DatabaseURLError("sqlite: needs a file path, as in sqlite:/var/lib/oms/oms.db") }
            self = .sqlite(path: path)
            return
        }
        let scheme: Substring
        if text.hasPrefix("postgres://") {
            scheme = "postgres://"
        } else if text.hasPrefix("postgresql://") {
            scheme = "postgresql://"
        } else {
            throw DatabaseURLError("must start with sqlite: or postgres://")
        }
        var rest = text.dropFirst(scheme.count)
        guard !rest.contains("#") else { throw DatabaseURLError("fragments (#) are not supported") }
        var parameters: [String: String] = [:]
        if let question = rest.firstIndex(of: "?") {
            parameters = try Self.parameters(rest[rest.index(after: question)...])
            rest = rest[..<question]
        }
        guard let at = rest.lastIndex(of: "@") else { throw DatabaseURLError("needs user@host, as in postgres://oms:secret@db:5432/oms") }
        let credentials = rest[..<at]
        rest = rest[rest.index(after: at)...]
        let user: Substring
        var password: String?
        if let colon = credentials.firstIndex(of: ":") {
            user = credentials[..<colon]
            password = try Self.percentDecoded(credentials[credentials.index(after: colon)...])
        } else {
            user = credentials
        }
        guard !user.isEmpty else { throw DatabaseURLError("the user name is empty") }
        guard let slash = rest.firstIndex(of: "/") else { throw DatabaseURLError("needs a database name after the host, as in postgres://oms@db/oms") }
        let database = rest[rest.index(after: slash)...]
        let hostPort = rest[..<slash]
        guard !database.isEmpty, !database.contains("/") else { throw DatabaseURLError("needs exactly one database name after the host") }
        var host = hostPort
        var port = 5432
        if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
                throw DatabaseURLError("the port must be a number from 1 to 65535")
            }
            port = number
        }
        guard !host.isEmpty else { throw DatabaseURLError("the host is empty") }
        var endpoint = PostgresEndpoint(
            host: String(host), port: port, username: try Self.percentDecoded(user), password: password,
            database: try Self.percentDecoded(database)
        )
        if let mode = parameters["sslmode"] {
            guard let parsed = SSLMode(rawValue: mode) else {
                throw DatabaseURLError("sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", ")), got '\(mode.prefix(40))'")
            }
            endpoint.sslMode = parsed
        }
        if let root = parameters["sslrootcert"] {
            guard !root.isEmpty else { throw DatabaseURLError("sslrootcert needs a file path") }
            endpoint.tls.caFile = root
        }
        self = .postgres(endpoint)
    }

    /// The query's `name=value` pairs: libpq's `sslmode` and `sslrootcert` only. Anything
    /// else is refused by name rather than ignored, and a name given twice is refused.
    private static func parameters(_ query: Substring) throws(DatabaseURLError) -> [String: String] {
        var out: [String: String] = [:]
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty else { throw DatabaseURLError("query parameters must be name=value, got '\(pair.prefix(40))'") }
            let name = String(parts[0])
            guard supportedParameters.contains(name) else {
                throw DatabaseURLError("unsupported parameter '\(name.prefix(40))' (supported: sslmode, sslrootcert; a client certificate goes in database.tls.cert_file and database.tls.key_file)")
            }
            guard out[name] == nil else { throw DatabaseURLError("parameter '\(name)' is given twice") }
            out[name] = try percentDecoded(parts[1])
        }
        return out
    }

    private static let supportedParameters: Set<String> = ["sslmode", "sslrootcert"]

    /// RFC 3986 percent-decoding, for passwords with reserved characters.
    private static func percentDecoded(_ text: Substring) throws(DatabaseURLError) -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(Self.hexValue), let low = iterator.next().flatMap(Self.hexValue) else {
                throw DatabaseURLError("a % must be followed by two hex digits")
            }
            bytes.append(high << 4 | low)
        }
        guard let decoded = String(validating: bytes, as: UTF8.self), !decoded.contains("\0") else {
            throw DatabaseURLError("percent-encoding must decode to UTF-8 text without NUL")
        }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

public struct DatabaseURLError: Error, Sendable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}

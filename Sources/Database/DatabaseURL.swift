/// `database.url`: `sqlite:PATH` (the embedded default) or `postgres://user:password@host:port/database`.
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresEndpoint)

    public struct PostgresEndpoint: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var username: String
        public var password: String?
        public var database: String

        public init(host: String, port: Int, username: String, password: String?, database: String) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
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
        guard !rest.contains("?"), !rest.contains("#") else {
            throw DatabaseURLError("query parameters are not supported (TLS and options are not configurable yet)")
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
        self = .postgres(PostgresEndpoint(
            host: String(host), port: port, username: try Self.percentDecoded(user), password: password,
            database: try Self.percentDecoded(database)
        ))
    }

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

/// Where a role listens. Every role reads the same `server.*` keys.
public struct ServerSettings: Sendable, Equatable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    public init(reader: ConfigReader, defaultPort: Int) throws(ConfigError) {
        self.host = try reader.nonEmptyString("server.host") ?? "127.0.0.1"
        self.port = try reader.int("server.port", default: defaultPort, in: 0...65535)
    }
}

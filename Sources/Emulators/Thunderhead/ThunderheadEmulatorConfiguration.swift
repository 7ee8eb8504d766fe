import EdgeRuntime

/// `oms emulate thunderhead`: where it listens, which credentials it demands, how fast
/// batches complete.
public struct ThunderheadEmulatorConfiguration: Sendable {
    public var server: ServerSettings
    /// The WSDL served at `…/JobAPIWebWrapped?wsdl`.
    public var wsdlFile: String = "sidecars/thunderhead/JobAPIWebWrapped.wsdl"
    /// When set, every request needs this WS-Security UsernameToken or HTTP Basic pair.
    public var username: String?
    public var password: String?
    /// A batch is queued for the first third of this, processing until it, then done.
    public var completeAfterMs: Int = 2000
    public var maxBodyBytes: Int = 10 << 20

    public static let path = "/thunderhead/services/JobAPIWebWrapped"

    public init(server: ServerSettings = .init(port: 9002), username: String? = nil, password: String? = nil, completeAfterMs: Int = 2000) {
        self.server = server
        self.username = username
        self.password = password
        self.completeAfterMs = completeAfterMs
    }

    public init(reader: ConfigReader) throws(ConfigError) {
        server = try ServerSettings(reader: reader, defaultPort: 9002)
        wsdlFile = try reader.nonEmptyString("wsdl") ?? wsdlFile
        username = try reader.nonEmptyString("username")
        password = try reader.secret("password")?.value
        completeAfterMs = try reader.int("complete_after_ms", default: completeAfterMs, in: 0...3_600_000)
        maxBodyBytes = try reader.int("max_body_bytes", default: maxBodyBytes, in: 1024...(100 << 20))
    }

    /// Checks what command-line options may have filled in after the file was read.
    public func validate() throws(ConfigError) {
        guard (0...65535).contains(server.port) else { throw ConfigError(key: "server.port", "must be between 0 and 65535") }
        guard (0...3_600_000).contains(completeAfterMs) else { throw ConfigError(key: "complete_after_ms", "must be between 0 and 3600000") }
        if username != nil && password == nil { throw ConfigError(key: "password", "a username needs a password (or password_file)") }
    }
}

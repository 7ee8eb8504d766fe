import EdgeRuntime
import SOAP
import TLS

/// `services.<name>.*`: where one upstream SOAP service is and how to call it.
public struct UpstreamSettings: Sendable, Equatable {
    public enum Authentication: String, Sendable, Equatable {
        case none
        case usernameToken = "username_token"
        case basic
    }

    public var url: String
    public var authentication: Authentication = .none
    public var username: String?
    public var password: String?
    /// Total deadline of one upstream call, body included.
    public var timeoutMs: Int = 10_000
    public var soapVersion: SOAPVersion = .v1_1
    /// `services.<name>.tls.*`: the gateway's trust, client certificate and name.
    public var tls = TLSSettings()

    public init(url: String, authentication: Authentication = .none, username: String? = nil, password: String? = nil, timeoutMs: Int = 10_000, soapVersion: SOAPVersion = .v1_1, tls: TLSSettings = TLSSettings()) {
        self.url = url
        self.authentication = authentication
        self.username = username
        self.password = password
        self.timeoutMs = timeoutMs
        self.soapVersion = soapVersion
        self.tls = tls
    }

    init(reader: ConfigReader, service: String) throws(ConfigError) {
        let key = "services.\(service)"
        guard let url = try reader.httpURL("\(key).url") else {
            throw ConfigError(key: "\(key).url", "the SOAP endpoint of service '\(service)' is required (a policy for it exists)")
        }
        self.url = url
        username = try reader.nonEmptyString("\(key).username")
        password = try reader.secret("\(key).password")?.value
        let defaultAuth = username == nil ? "none" : "username_token"
        authentication = Authentication(rawValue: try reader.choice("\(key).auth", default: defaultAuth, allowed: ["none", "username_token", "basic"]))!
        if authentication != .none && (username == nil || password == nil) {
            throw ConfigError(key: "\(key).auth", "\(authentication.rawValue) needs \(key).username and \(key).password (or \(key).password_file)")
        }
        timeoutMs = try reader.int("\(key).timeout_ms", default: timeoutMs, in: 1...600_000)
        let version = try reader.choice("\(key).soap_version", default: "1.1", allowed: ["1.1", "1.2"])
        soapVersion = SOAPVersion(rawValue: version)!
        tls = try reader.tls(key)
    }
}

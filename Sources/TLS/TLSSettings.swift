/// `<prefix>.tls.*`: how one outgoing connection verifies its server and, for mutual TLS,
/// proves who it is. The same block for every dependency (OIDM, JWKS, Redis, PostgreSQL,
/// Kafka, the HTTP upstreams), so operators learn one shape.
///
/// Verification of the chain and of the host name is always on unless `insecureSkipVerify`
/// is set, which exists for local tests only and is warned about at every start.
public struct TLSSettings: Sendable, Equatable, Hashable {
    /// PEM bundle of the certificates to trust; nil trusts the system store.
    public var caFile: String?
    /// PEM client certificate (a chain may follow it) for mutual TLS; needs `keyFile`.
    public var certFile: String?
    /// PEM private key of `certFile`.
    public var keyFile: String?
    /// The name to verify in the server's certificate (and send as SNI) when it is not the
    /// host the connection goes to (an IP address, a private DNS alias).
    public var serverName: String?
    /// Accept any certificate. Local tests only.
    public var insecureSkipVerify: Bool

    public init(caFile: String? = nil, certFile: String? = nil, keyFile: String? = nil, serverName: String? = nil, insecureSkipVerify: Bool = false) {
        self.caFile = caFile
        self.certFile = certFile
        self.keyFile = keyFile
        self.serverName = serverName
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// No file, no name, verification on: the system store and the URL's host.
    public var isDefault: Bool { self == TLSSettings() }
}

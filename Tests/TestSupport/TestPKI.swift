import Foundation

/// A private certificate authority made with `openssl` in a temporary folder, for tests of
/// TLS connections: a server certificate for `localhost` and 127.0.0.1, a client certificate
/// for mutual TLS, and a second, unrelated CA that trusts none of them.
public final class TestPKI: Sendable {
    public let folder: URL

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `caFile` trusts `serverCert`/`clientCert`; `otherCAFile` trusts nothing here.
    public var caFile: String { path("ca.pem") }
    public var otherCAFile: String { path("other-ca.pem") }
    public var serverCert: String { path("server.pem") }
    public var serverKey: String { path("server.key") }
    /// A server certificate naming `localhost` only, no address: some TLS stacks (swift-nio-ssl)
    /// accept a certificate for the address they connected to whatever name was asked for.
    public var namedServerCert: String { path("named.pem") }
    public var namedServerKey: String { path("named.key") }
    public var clientCert: String { path("client.pem") }
    public var clientKey: String { path("client.key") }
    /// A client certificate signed by the other CA: a server trusting `caFile` refuses it.
    public var strangerCert: String { path("stranger.pem") }
    public var strangerKey: String { path("stranger.key") }

    public func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// Makes the CAs and certificates (about half a second of openssl).
    public init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-pki-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try makeCA("ca", subject: "/CN=oms-test-ca")
        try makeCA("other-ca", subject: "/CN=oms-other-ca")
        try issue("server", by: "ca", subject: "/CN=localhost", extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth")
        try issue("named", by: "ca", subject: "/CN=localhost", extensions: "subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth")
        try issue("client", by: "ca", subject: "/CN=oms-client", extensions: "extendedKeyUsage=clientAuth")
        try issue("stranger", by: "other-ca", subject: "/CN=stranger", extensions: "extendedKeyUsage=clientAuth")
        // Servers running as another user (PostgreSQL as `postgres`) must read their files.
        _ = chmod(folder.path, 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    private func makeCA(_ name: String, subject: String) throws {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                     "-subj", subject, "-keyout", path("\(name).key"), "-out", path("\(name).pem")])
    }

    private func issue(_ name: String, by ca: String, subject: String, extensions: String) throws {
        try openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-subj", subject, "-keyout", path("\(name).key"), "-out", path("\(name).csr")])
        try Data(extensions.utf8).write(to: folder.appendingPathComponent("\(name).ext"))
        try openssl(["x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
                     "-CAcreateserial", "-days", "2", "-extfile", path("\(name).ext"), "-out", path("\(name).pem")])
    }

    private func openssl(_ arguments: [String]) throws {
        let log = path("openssl.log")
        let status = try ChildProcess.run(["/usr/bin/openssl"] + arguments, output: log)
        guard status == 0 else {
            throw Failure(description: "openssl \(arguments.first ?? "") failed: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")")
        }
    }
}

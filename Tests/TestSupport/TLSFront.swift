import Foundation

/// nginx terminating TLS in front of loopback servers, with the test CA's server certificate:
/// HTTPS (optionally requiring a client certificate signed by the test CA) or, with
/// `stream`, plain TCP relayed inside TLS (Kafka).
public final class TLSFront: @unchecked Sendable {
    // @unchecked: set up in `init`, then only stopped by the test that owns it.
    public let port: Int
    private let folder: URL
    private let process: TestProcess

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public enum Kind: Sendable {
        /// HTTPS to `http://127.0.0.1:upstream`; `clientCertificate` makes nginx require one.
        case https(upstream: Int, clientCertificate: Bool)
        /// TLS on `port` relayed as TCP to `127.0.0.1:upstream`; `clientCertificate` as above.
        case stream(upstream: Int, clientCertificate: Bool = false)
    }

    /// `port` defaults to a free one; a test that must know it first (a broker advertising
    /// the front's port) passes its own.
    public init(_ kind: Kind, pki: TestPKI, port: Int? = nil) async throws {
        let binary = ProcessInfo.processInfo.environment["OMS_NGINX"] ?? "/usr/sbin/nginx"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw StartError(description: "nginx not found at \(binary): install it (scripts/install-deps.sh) or set OMS_NGINX")
        }
        self.port = port ?? Loopback.freePort()
        folder = pki.folder.appendingPathComponent("front-\(self.port)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        let certificates = """
            ssl_certificate \(pki.serverCert);
            ssl_certificate_key \(pki.serverKey);
            ssl_protocols TLSv1.2 TLSv1.3;
            """
        let server: String
        switch kind {
        case let .https(upstream, clientCertificate):
            server = """
                http {
                    access_log off;
                    client_body_temp_path tmp; proxy_temp_path tmp; fastcgi_temp_path tmp; uwsgi_temp_path tmp; scgi_temp_path tmp;
                    server {
                        listen 127.0.0.1:\(self.port) ssl;
                        \(certificates)
                        \(clientCertificate ? "ssl_verify_client on; ssl_client_certificate \(pki.caFile);" : "")
                        location / { proxy_pass http://127.0.0.1:\(upstream); proxy_http_version 1.1; proxy_set_header Connection ""; }
                    }
                }
                """
        case let .stream(upstream, clientCertificate):
            server = """
                stream {
                    server {
                        listen 127.0.0.1:\(self.port) ssl;
                        \(certificates)
                        \(clientCertificate ? "ssl_verify_client on; ssl_client_certificate \(pki.caFile);" : "")
                        proxy_pass 127.0.0.1:\(upstream);
                    }
                }
                """
        }
        let module = Self.streamModule.map { "load_module \($0);\n" } ?? ""
        let configuration = """
            \(module)worker_processes 1;
            error_log \(folder.path)/error.log info;
            events { worker_connections 256; }
            \(server)
            """
        try Data(configuration.utf8).write(to: folder.appendingPathComponent("nginx.conf"))
        process = try TestProcess(
            executable: binary,
            arguments: ["-p", folder.path, "-c", folder.appendingPathComponent("nginx.conf").path, "-g", "daemon off; pid \(folder.path)/nginx.pid;"],
            logFile: folder.appendingPathComponent("nginx.log")
        )
        guard await Loopback.waitUntilListening(self.port, timeout: .seconds(30)) else {
            process.stop()
            throw StartError(description: "nginx (TLS front) did not start: \(process.log) \(log)")
        }
    }

    deinit {
        process.stop()
    }

    public func stop() { process.stop() }

    public var log: String { (try? String(contentsOfFile: folder.appendingPathComponent("error.log").path, encoding: .utf8)) ?? "" }

    /// Debian ships the stream module as a dynamic one (libnginx-mod-stream).
    private static var streamModule: String? {
        let path = "/usr/lib/nginx/modules/ngx_stream_module.so"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

import Foundation

/// nginx with the project's `nginx-conf/`, byte for byte; only the addresses (upstreams.conf,
/// listen.conf) and the demo backend are the test's own, and whatever file a test overrides.
public final class ShippedGateway: @unchecked Sendable {
    // @unchecked: the process is only touched by the test that owns this object.
    public struct Upstreams: Sendable {
        public var auth: Int
        public var backend: Int
        public var soapBridge: Int
        public var refdata: Int
        public var core: Int

        /// Every service but auth at `others`.
        public init(auth: Int, others: Int) {
            (self.auth, backend, soapBridge, refdata, core) = (auth, others, others, others, others)
        }

        public init(auth: Int, backend: Int, soapBridge: Int, refdata: Int, core: Int) {
            (self.auth, self.backend, self.soapBridge, self.refdata, self.core) = (auth, backend, soapBridge, refdata, core)
        }
    }

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public let folder: URL
    private var process: TestProcess?

    public var url: String { "http://127.0.0.1:\(port)" }
    public var log: String { process?.log ?? "" }

    /// The files a deployment writes itself; every other file of `nginx-conf/` is used as is.
    public static let deploymentFiles: Set<String> = ["listen.conf", "upstreams.conf", "demo-backend.conf"]

    /// Starts nginx in `folder` (created), in front of `upstreams`; `demoBackend` is the text of
    /// demo-backend.conf (see `headerEcho`); `overrides` replace shipped files by name.
    public init(folder: URL, upstreams: Upstreams, demoBackend: String = "", overrides: [String: String] = [:], port: Int = Loopback.freePort()) async throws {
        self.port = port
        let binary = ProcessInfo.processInfo.environment["OMS_NGINX"] ?? "/usr/sbin/nginx"
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw StartError(description: "nginx not found at \(binary): install it (scripts/install-deps.sh) or set OMS_NGINX")
        }
        self.folder = folder
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tmp"), withIntermediateDirectories: true)
        let shipped = Self.repositoryRoot.appendingPathComponent("nginx-conf")
        for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) where name.hasSuffix(".conf") && !Self.deploymentFiles.contains(name) {
            try FileManager.default.copyItem(at: shipped.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        for (name, text) in overrides { try write(name, text) }
        try write("listen.conf", "listen 127.0.0.1:\(port);\n")
        try write("upstreams.conf", """
            upstream oms_auth { server 127.0.0.1:\(upstreams.auth); keepalive 16; }
            upstream oms_backend { server 127.0.0.1:\(upstreams.backend); }
            upstream oms_soap_bridge { server 127.0.0.1:\(upstreams.soapBridge); }
            upstream oms_refdata { server 127.0.0.1:\(upstreams.refdata); }
            upstream oms_core { server 127.0.0.1:\(upstreams.core); }

            """)
        try write("demo-backend.conf", demoBackend)
        process = try TestProcess(
            executable: binary,
            arguments: ["-p", folder.path, "-c", folder.appendingPathComponent("nginx.conf").path, "-g", "daemon off; pid \(folder.path)/nginx.pid;"],
            logFile: folder.appendingPathComponent("nginx.log")
        )
        // A loaded machine (the whole suite at once) has been seen to take over 10 s here.
        guard await Loopback.waitUntilListening(port, timeout: .seconds(30)) else {
            process?.stop()
            throw StartError(description: "nginx did not start: \(log)")
        }
    }

    /// A backend, served by the same nginx on `port`, that answers with the identity headers it
    /// received, so a test sees what crossed the gateway.
    public static func headerEcho(port: Int) -> String {
        """
        server {
            listen 127.0.0.1:\(port);
            access_log off;
            location / {
                default_type text/plain;
                return 200 "subject=$http_x_auth_subject\\ndomain=$http_x_auth_domain\\nscope=$http_x_auth_scope\\nclient=$http_x_auth_client\\nrequest_id=$http_x_request_id\\nuri=$request_uri\\nauthorization=$http_authorization\\ncsrf=$http_x_oms_csrf\\ncookie=$http_cookie\\n";
            }
        }

        """
    }

    public func stop() { process?.stop() }

    /// The shipped gateway rebuilt the way ingress-nginx's `auth-url` works: the auth request
    /// carries `X-Original-URL` built from the client's Host, next to every header the client
    /// sent (the shipped `proxy_set_header X-Original-URI` is gone).
    public static func ingressLike() throws -> [String: String] {
        let shipped = try shipped("oms-gateway.conf")
        let line = "proxy_set_header X-Original-URI $request_uri;"
        guard shipped.contains(line) else { throw StartError(description: "oms-gateway.conf no longer holds '\(line)'") }
        return ["oms-gateway.conf": shipped.replacingOccurrences(of: line, with: "proxy_set_header X-Original-URL $scheme://$http_host$request_uri;")]
    }

    /// A shipped file's text, for a test that overrides part of it.
    public static func shipped(_ name: String) throws -> String {
        try String(contentsOf: repositoryRoot.appendingPathComponent("nginx-conf/\(name)"), encoding: .utf8)
    }

    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: folder.appendingPathComponent(name))
    }
}

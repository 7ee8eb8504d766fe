import ArgumentParser
import Conformance
import Curl
import EdgeRuntime
import Foundation
import Hummingbird
import JOSE
import Logging

struct ConformanceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conformance",
        abstract: "Run the attack catalog against a live gateway and write the results.",
        discussion: """
            The suite learns what a good token looks like from --valid-token (and the JWKS), then \
            sends one request per case, each changing one thing: token structure, algorithms, \
            signatures, claims, transport. Cases that need the issuer's key (a well-signed but \
            expired token, say) run when --signing-key, --kid and --alg are given, and are \
            reported as skipped otherwise. The suite runs its own echo upstream, which also plays \
            the attacker's server for the jku/x5u cases: on 127.0.0.1 and a free port unless \
            --echo-listen HOST:PORT says where; --attacker-url gives the address a gateway on \
            another machine reaches it by (without it, those cases are skipped, never passed); \
            --no-echo turns it off. The cases that check what reached the upstream run when the \
            gateway routes --path to the echo (the suite sees its answer to the valid token). \
            Cases that stage an OIDM outage need --oidm-admin (the OIDM emulator). The SOAP \
            bridge's cases (hostile XML answers, markup in JSON values, oversized bodies) run when \
            --soap-bridge is given; those that play the hostile SOAP service need --echo-listen \
            with the bridge's upstream URL pointed there. The backends' cases run once per \
            --backend URL (a role behind the gateway, called directly: it must refuse what the \
            gateway refuses). Before any case, the valid token must get \
            a 2xx at --path, and every control case must pass. Results in --out: results.json (the \
            source of truth), results.sarif (SARIF 2.1.0), junit.xml and report.html; the verdict \
            counts the skips (PASS (12 skipped)). Exit status: 0 when every case passed or was \
            skipped (1 for a skip too with --fail-on-skip), 1 when any failed, 2 for a usage or \
            connection error. \
            The valid token may also come from the environment (OMS_CONFORMANCE_TOKEN), which \
            keeps it out of the process list.
            """
    )

    @Option(help: "The gateway's base URL, e.g. http://127.0.0.1:8080.")
    var gateway: String?
    @Option(help: "A path the gateway protects that the valid token may GET.")
    var path = "/v1/documents/conformance"
    @Option(name: .customLong("valid-token"), help: "A valid, current token for --path.")
    var validToken: String?
    @Option(name: .customLong("soap-bridge"), help: "The SOAP bridge's base URL, directly or through the gateway (e.g. http://127.0.0.1:8080), for its cases.")
    var soapBridge: String?
    @Option(name: .customLong("backend"), help: "An endpoint of a role behind the gateway, called directly past it (a whole URL, e.g. http://refdata:8083/refdata/v1/sources/x; repeatable): it must refuse what the gateway refuses.")
    var backends: [String] = []
    @Option(help: "The issuer's JWKS: a file or an http(s) URL (for the key-confusion cases).")
    var jwks: String?
    @Option(name: .customLong("signing-key"), help: "The issuer's test private key (PEM), for cases that must be well signed.")
    var signingKey: String?
    @Option(help: "The kid the signing key is published under.")
    var kid: String?
    @Option(help: "The signing key's algorithm (ES256, RS256, …).")
    var alg: String?
    @Option(help: "The gateway's clock leeway in seconds (cases run on both sides of it).")
    var leeway: Int = 30
    @Option(name: .customLong("echo-listen"), help: "Where the echo upstream listens, HOST:PORT (default 127.0.0.1 and a free port); route --path there for the upstream cases.")
    var echoListen: String?
    @Option(name: .customLong("attacker-url"), help: "The echo upstream's base URL as the gateway reaches it (http://host:port), when it differs from where it listens.")
    var attackerURL: String?
    @Flag(name: .customLong("no-echo"), help: "Run no echo upstream: the cases that need it are skipped, saying so.")
    var noEcho = false
    @Flag(name: .customLong("fail-on-skip"), help: "Exit 1 when any case was skipped (for CI pipelines that want every case run).")
    var failOnSkip = false
    @Option(name: .customLong("oidm-admin"), help: "The OIDM emulator's base URL, to stage OIDM outages (cases skipped without it).")
    var oidmAdmin: String?
    @Option(help: "A route that needs a scope of its own, METHOD:PATH:SCOPE (e.g. POST:/v1/documents/x:documents.write), for the per-route cases.")
    var route: String?
    @Option(help: "The folder of case files (default: conformance/cases here, else the catalog next to the oms binary).")
    var cases: String?
    @Option(help: "Only these case ids (comma-separated).")
    var only: String?
    @Option(help: "Only these categories (comma-separated).")
    var category: String?
    @Option(help: "Where the results go.")
    var out = "conformance-report"
    @Option(name: .customLong("timeout-ms"), help: "Bound of each request.")
    var timeoutMs: Int = 10_000

    func run() async throws {
        let gateway = Self.baseURL(gateway, option: "--gateway")
        let soapBridge = soapBridge.map { Self.baseURL($0, option: "--soap-bridge") }
        guard let token = validToken ?? ProcessInfo.processInfo.environment["OMS_CONFORMANCE_TOKEN"], !token.isEmpty else {
            RoleStartup.fail("--valid-token (or OMS_CONFORMANCE_TOKEN) is required")
        }
        guard path.hasPrefix("/") else { RoleStartup.fail("--path must start with /") }
        guard (0...3600).contains(leeway) else { RoleStartup.fail("--leeway must be 0…3600 seconds") }
        guard (100...600_000).contains(timeoutMs) else { RoleStartup.fail("--timeout-ms must be 100…600000") }
        let catalog = RoleStartup.orFail { try Catalog.load(folder: cases ?? CaseCatalogLocation.find()) }
        let template = RoleStartup.orFail { try TokenTemplate(token: token) }
        let keys = await RoleStartup.orFail { try ForgeKeys(issuer: try issuer(), jwks: await jwksBytes(), template: template) }

        var settings = SuiteSettings(gateway: gateway)
        settings.path = path
        settings.soapBridge = soapBridge
        settings.backends = backends.map { Self.baseURL($0, option: "--backend") }
        settings.leeway = Int64(leeway)
        settings.timeout = .milliseconds(timeoutMs)
        settings.only = Set(Self.list(only))
        settings.categories = Set(Self.list(category))
        settings.oidmAdmin = oidmAdmin.map { Self.baseURL($0, option: "--oidm-admin") }
        if let route {
            guard let parsed = SuiteSettings.Route(route) else { RoleStartup.fail("--route must be METHOD:PATH:SCOPE, e.g. POST:/v1/documents/x:documents.write") }
            settings.route = parsed
        }
        let echo = try echoUpstream(keys: keys)
        settings.echoPlaced = echoListen != nil
        if let unknown = settings.only.subtracting(catalog.cases.map(\.id)).sorted().first { RoleStartup.fail("--only: no case \(unknown)") }
        if let unknown = settings.categories.subtracting(catalog.categories).sorted().first { RoleStartup.fail("--category: no category \(unknown)") }

        let echoTask = await start(echo)
        defer { echoTask?.cancel() }
        if let echo {
            let base = attackerURL.map { Self.baseURL($0, option: "--attacker-url") } ?? "http://\(Self.advertised(echo.address))"
            settings.attackerURLs = EchoUpstream.attackerURLs(base: base)
            settings.attackerUnreachable = SuiteSettings.attackerUnreachable(gateway: gateway, attacker: base, given: attackerURL != nil)
        }
        let suite = ConformanceSuite(catalog: catalog, settings: settings, template: template, keys: keys, echo: echo)
        let interactive = isatty(STDERR_FILENO) == 1
        let report: SuiteReport
        do {
            report = try await suite.run { index, total, result in
                guard interactive else { return }
                let line = "[\(index)/\(total)] \(result.outcome.rawValue.uppercased()) \(result.id) \(result.title)"
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + String(line.prefix(120))).utf8))
            }
        } catch {
            RoleStartup.fail(error.description)
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        let written = RoleStartup.orFail { try report.write(to: out) }
        print("\(report.results.count) cases: \(report.count(.passed)) passed, \(report.count(.failed)) failed, \(report.count(.skipped)) skipped")
        print("verdict: \(report.verdict)")
        for group in report.skipsByReason {
            print("SKIP \(group.ids.count): \(group.reason)")
        }
        for result in report.results where result.outcome == .failed {
            print("FAIL \(result.id) \(result.title): \(result.reason)")
        }
        print("results: \(written.joined(separator: ", "))")
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
        if failOnSkip, report.count(.skipped) > 0 {
            FileHandle.standardError.write(Data("oms: \(report.count(.skipped)) cases were skipped (--fail-on-skip)\n".utf8))
            throw ExitCode(1)
        }
    }

    private func issuer() throws -> ForgeKeys.Issuer? {
        guard let signingKey else {
            if kid != nil || alg != nil { throw ValidationError("--kid and --alg go with --signing-key") }
            return nil
        }
        guard let kid, let alg, let algorithm = JWSAlgorithm(rawValue: alg) else {
            throw ValidationError("--signing-key needs --kid and a known --alg")
        }
        guard let pem = try? String(contentsOfFile: signingKey, encoding: .utf8) else { throw ValidationError("--signing-key: cannot read \(signingKey)") }
        return ForgeKeys.Issuer(privateKeyPEM: pem, algorithm: algorithm, keyID: kid)
    }

    private func jwksBytes() async throws -> [UInt8]? {
        guard let jwks else { return nil }
        if jwks.hasPrefix("http://") || jwks.hasPrefix("https://") {
            let http = CurlClient()
            defer { Task { await http.shutdown() } }
            let response = try await http.execute(CurlRequest(url: jwks, timeout: .seconds(10)))
            guard response.status == 200 else { throw ValidationError("--jwks: \(jwks) answered \(response.status)") }
            return response.body
        }
        guard let data = FileManager.default.contents(atPath: jwks) else { throw ValidationError("--jwks: cannot read \(jwks)") }
        return Array(data)
    }

    /// The echo upstream: on --echo-listen, else on 127.0.0.1 and a free port; none with --no-echo.
    private func echoUpstream(keys: ForgeKeys) throws -> EchoUpstream? {
        if noEcho {
            if echoListen != nil || attackerURL != nil { RoleStartup.fail("--no-echo goes without --echo-listen and --attacker-url") }
            return nil
        }
        guard let echoListen else { return EchoUpstream(server: ServerSettings(host: "127.0.0.1", port: 0), keys: keys) }
        let parts = echoListen.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65_535).contains(port) else { RoleStartup.fail("--echo-listen must be HOST:PORT") }
        return EchoUpstream(server: ServerSettings(host: String(parts[0]), port: port), keys: keys)
    }

    /// The address to advertise for `host:port`: a wildcard listener is reached on loopback here.
    static func advertised(_ address: String) -> String {
        address.hasPrefix("0.0.0.0:") ? "127.0.0.1:" + address.dropFirst("0.0.0.0:".count) : address.hasPrefix("[::]:") ? "[::1]:" + address.dropFirst("[::]:".count) : address
    }


    /// Runs the echo upstream until the command ends; one that cannot listen (the port is
    /// taken) is a usage error, not a wait for ever.
    private func start(_ upstream: EchoUpstream?) async -> Task<Void, Never>? {
        guard let upstream else { return nil }
        let logger = Logger(label: "oms.conformance.echo") { _ in SwiftLogNoOpLogHandler() }
        let listening = AsyncStream<Result<Int, any Error>>.makeStream()
        let task = Task {
            do {
                try await upstream.application(logger: logger) { listening.continuation.yield(.success($0)) }.runService()
            } catch {
                listening.continuation.yield(.failure(error))
            }
            listening.continuation.finish()
        }
        for await outcome in listening.stream {
            if case .failure(let error) = outcome { RoleStartup.fail("--echo-listen: cannot listen on \(upstream.server.host):\(upstream.server.port): \(error)") }
            return task
        }
        RoleStartup.fail("--echo-listen: the echo upstream stopped before it listened")
    }

    /// The base URL an option names, without a trailing slash; a usage error unless it is an
    /// absolute http(s) URL with a host.
    static func baseURL(_ text: String?, option: String) -> String {
        guard let text, let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil else {
            RoleStartup.fail("\(option): an http:// or https:// URL is required")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

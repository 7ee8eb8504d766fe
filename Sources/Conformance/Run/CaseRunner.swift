import Curl
import EdgeRuntime
import Foundation
import JSON

/// Runs one case: builds its token and request, sends it, and judges the answer.
struct CaseRunner: Sendable {
    let http: CurlClient
    let settings: SuiteSettings
    let forge: TokenForge
    let echo: EchoUpstream?
    /// The gateway sends `--path` to the echo upstream (its answer to the valid token was the
    /// echo's own), so what crossed the gateway can be seen.
    var echoBehindPath = false

    /// `backend`: for a backend case, the `--backend` URL it runs at this time.
    func run(_ item: ConformanceCase, backend: String? = nil) async -> CaseResult {
        let started = ContinuousClock.now
        func result(_ outcome: CaseResult.Outcome, _ reason: String, _ request: CaseResult.SentRequest? = nil, _ answer: CaseResult.Answer? = nil) -> CaseResult {
            let elapsed = ContinuousClock.now - started
            return CaseResult(
                id: item.id, title: backend.map { "\(item.title) — \($0)" } ?? item.title, category: item.category, reference: item.reference, source: item.source, outcome: outcome, reason: reason,
                expected: expectedText(item.expect), request: request, answer: answer,
                durationMs: Int(elapsed.wholeMilliseconds)
            )
        }
        if let reason = missing(item, backend: backend) { return result(.skipped, reason) }
        let fetchesBefore = echo?.fetches ?? 0
        let token: String
        var forged: TokenForge.Forged?
        if let recipe = item.token {
            do {
                forged = try forge.build(recipe)
                token = forged!.token
            } catch {
                return result(.skipped, error.reason)
            }
        } else {
            token = forge.template.token
        }
        var values = forge.placeholders
        values["token"] = token
        func redacted(_ text: String) -> String { Self.redacted(text, token: token, valid: forge.template.token) }
        var headers: [(name: String, value: String)] = []
        if let authorization = item.request.authorization { headers.append(("Authorization", Templates.fill(authorization, values))) }
        for header in item.request.headers { headers.append((header.name, Templates.fill(header.value, values))) }
        let body = item.request.body.map { $0.bytes(values) }
        if let recipe = item.request.body { headers.append(("Content-Type", recipe.contentType)) }
        // SOAP bridge cases carry an id of their own, which the bridge passes upstream: it is how
        // the echo upstream knows which answer to give and whose request it received.
        var requestID: String?
        var staged: [UInt8]?
        if item.request.target == .soapBridge {
            let id = "oms-conformance-\(item.id)-\(UInt32.random(in: 0...UInt32.max))"
            headers.append(("X-Request-Id", id))
            requestID = id
            if let script = item.request.upstream, let echo {
                let answer = script.body.bytes(values)
                echo.stage(id, status: script.status, contentType: script.body.contentType, body: answer)
                staged = answer
            }
        }
        let base = item.request.target == .soapBridge ? settings.soapBridge ?? "" : settings.gateway
        let method = item.request.route ? settings.route?.method ?? item.request.method : item.request.method
        let url = backend ?? base + (item.request.route ? settings.route?.path ?? "" : Templates.fill(item.request.path, values))
        let sent = CaseResult.SentRequest(
            method: method, url: redacted(url), headers: headers.map { ($0.name, redacted($0.value)) },
            tokenHeader: forged.map { redacted($0.header) }, tokenClaims: forged.map { redacted($0.claims) },
            body: body.map { redacted(CaseResult.SentRequest.preview($0)) }, upstreamAnswer: staged.map(CaseResult.SentRequest.preview)
        )
        if let status = item.request.oidmOutage {
            if let problem = await outage(status) { return result(.skipped, problem, sent) }
        }
        let exchange: Result<CurlResponse, CurlError>
        do {
            exchange = .success(try await http.execute(CurlRequest(
                url: url, method: method, headers: headers, body: body, timeout: settings.timeout, maxResponseBytes: 1 << 20
            )))
        } catch {
            exchange = .failure(error)
        }
        let received = requestID.flatMap { echo?.collect($0) }
        if item.request.oidmOutage != nil, let problem = await outage(nil) {
            return result(.failed, "the OIDM outage could not be ended: \(problem)", sent)
        }
        let response: CurlResponse
        switch exchange {
        case .success(let answer): response = answer
        case .failure(let error): return result(.failed, "no answer: \(error)", sent)
        }
        let text = String(decoding: response.body, as: UTF8.self)
        let answer = CaseResult.Answer(
            status: response.status,
            headers: response.headers.filter { ["www-authenticate", "content-type", "location", "x-request-id"].contains($0.name.lowercased()) },
            body: redacted(String(text.prefix(2048)))
        )
        // A fetch first: it is the finding that matters most, whatever the status.
        if item.expect.neverFetched, let echo, echo.fetches != fetchesBefore {
            let urls = echo.fetched(after: fetchesBefore).map(settings.attackerURL).joined(separator: ", ")
            return result(.failed, "the target fetched what the attacker serves (\(urls))", sent, answer)
        }
        if !item.expect.accepts(response.status) {
            return result(.failed, "answered \(response.status), expected \(item.expect.statusText)", sent, answer)
        }
        if let excluded = item.expect.bodyExcludes.first(where: { text.contains($0) }) {
            return result(.failed, "the answer holds '\(excluded)'", sent, answer)
        }
        if let check = item.expect.upstreamXML {
            if let received, let problem = UpstreamXMLCheck(check).problem(received) { return result(.failed, problem, sent, answer) }
            if received == nil, (200..<300).contains(response.status) {
                return result(.failed, "answered \(response.status) but the upstream received nothing", sent, answer)
            }
        }
        if let wanted = item.expect.wwwAuthenticate, !(response.header("WWW-Authenticate") ?? "").contains(wanted) {
            return result(.failed, "WWW-Authenticate is '\(response.header("WWW-Authenticate") ?? "")', expected it to contain '\(wanted)'", sent, answer)
        }
        if !item.expect.upstreamHeaders.isEmpty {
            let received = EchoUpstream.headers(in: response.body)
            for (name, template) in item.expect.upstreamHeaders {
                let wanted = Templates.fill(template, values)
                let got = received?[name.lowercased()] ?? []
                if got != [wanted] {
                    return result(.failed, "the upstream received \(name): \(got.isEmpty ? "(none)" : got.joined(separator: " | ")), expected exactly '\(wanted)'", sent, answer)
                }
            }
        }
        return result(.passed, "", sent, answer)
    }

    /// Why the case cannot run with these settings, or nil.
    private func missing(_ item: ConformanceCase, backend: String?) -> String? {
        if item.request.target == .soapBridge, settings.soapBridge == nil { return "needs --soap-bridge" }
        if item.request.target == .backend, backend == nil { return "needs --backend URL (an endpoint of a role behind the gateway, called directly)" }
        if item.request.upstream != nil, echo == nil || !settings.echoPlaced {
            return "needs the echo upstream placed with --echo-listen HOST:PORT and the SOAP bridge's upstream pointed at it"
        }
        if !item.expect.upstreamHeaders.isEmpty {
            guard let echo else { return "needs the echo upstream behind --path (--no-echo turned it off)" }
            if !echoBehindPath {
                return "needs the gateway to route --path to the echo upstream (listening on \(echo.address)); it answered with something else"
            }
        }
        if item.expect.neverFetched {
            if echo == nil { return "needs the attacker's server, which the echo upstream plays (--no-echo turned it off)" }
            if let reason = settings.attackerUnreachable { return reason }
        }
        if item.request.route, settings.route == nil { return "needs --route METHOD:PATH:SCOPE (a route that needs a scope of its own)" }
        if item.request.oidmOutage != nil, settings.oidmAdmin == nil { return "needs --oidm-admin (the OIDM emulator's address) to stage an outage" }
        return nil
    }

    /// Starts (`status`) or ends (nil) an outage at the OIDM emulator; a problem, or nil.
    private func outage(_ status: Int?) async -> String? {
        guard let admin = settings.oidmAdmin else { return "no --oidm-admin" }
        let body = "{\"status\": \(status.map(String.init) ?? "null")}"
        do {
            let answer = try await http.execute(CurlRequest(
                url: admin + "/admin/outage", method: "POST", headers: [("Content-Type", "application/json")], body: Array(body.utf8), timeout: settings.timeout
            ))
            return answer.status == 200 ? nil : "the OIDM emulator answered \(answer.status) to /admin/outage"
        } catch {
            return "the OIDM emulator is unreachable at \(admin): \(error)"
        }
    }

    private func expectedText(_ expect: Expectation) -> String {
        var text = expect.statusText
        if let wanted = expect.wwwAuthenticate { text += ", WWW-Authenticate with \(wanted)" }
        for (name, value) in expect.upstreamHeaders { text += ", upstream \(name): \(value)" }
        if expect.neverFetched { text += ", nothing the attacker serves fetched" }
        for excluded in expect.bodyExcludes { text += ", the answer without '\(excluded)'" }
        if let xml = expect.upstreamXML {
            text += ", the upstream received well-formed XML"
            if !xml.noElements.isEmpty || !xml.noAttributes.isEmpty { text += " without \((xml.noElements.map { "<\($0)>" } + xml.noAttributes.map { "@\($0)" }).joined(separator: ", "))" }
            for wanted in xml.texts { text += ", holding the text '\(wanted)'" }
        }
        return text
    }

    /// Tokens never reach a report whole, wherever they appear (headers, the URL, an echoed
    /// body): the valid one is a credential, and the forged ones are shown decoded instead.
    static func redacted(_ value: String, token: String, valid: String) -> String {
        var text = value
        for secret in [token, valid] where secret.count >= 16 {
            text = text.replacingOccurrences(of: secret, with: "<token: \(secret.utf8.count) bytes>")
        }
        return text
    }
}

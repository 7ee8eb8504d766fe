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

    func run(_ item: ConformanceCase) async -> CaseResult {
        let started = ContinuousClock.now
        func result(_ outcome: CaseResult.Outcome, _ reason: String, _ request: CaseResult.SentRequest? = nil, _ answer: CaseResult.Answer? = nil) -> CaseResult {
            let elapsed = ContinuousClock.now - started
            return CaseResult(
                id: item.id, title: item.title, category: item.category, reference: item.reference, source: item.source, outcome: outcome, reason: reason,
                expected: expectedText(item.expect), request: request, answer: answer,
                durationMs: Int(elapsed.wholeMilliseconds)
            )
        }
        if !item.expect.upstreamHeaders.isEmpty, echo == nil {
            return result(.skipped, "needs the echo upstream (--echo-listen) behind --path")
        }
        if item.expect.neverFetched, echo == nil {
            return result(.skipped, "needs the echo upstream (--echo-listen), which serves the attacker's keys")
        }
        if item.request.route, settings.route == nil {
            return result(.skipped, "needs --route METHOD:PATH:SCOPE (a route that needs a scope of its own)")
        }
        if item.request.oidmOutage != nil, settings.oidmAdmin == nil {
            return result(.skipped, "needs --oidm-admin (the OIDM emulator's address) to stage an outage")
        }
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
        var headers: [(name: String, value: String)] = []
        if let authorization = item.request.authorization { headers.append(("Authorization", Templates.fill(authorization, values))) }
        for header in item.request.headers { headers.append((header.name, Templates.fill(header.value, values))) }
        let method = item.request.route ? settings.route?.method ?? item.request.method : item.request.method
        let url = settings.gateway + (item.request.route ? settings.route?.path ?? "" : Templates.fill(item.request.path, values))
        let sent = CaseResult.SentRequest(
            method: method, url: Self.redacted(url, token: token, valid: forge.template.token),
            headers: headers.map { ($0.name, Self.redacted($0.value, token: token, valid: forge.template.token)) },
            tokenHeader: forged.map { Self.redacted($0.header, token: token, valid: forge.template.token) },
            tokenClaims: forged.map { Self.redacted($0.claims, token: token, valid: forge.template.token) }
        )
        if let status = item.request.oidmOutage {
            if let problem = await outage(status) { return result(.skipped, problem, sent) }
        }
        let exchange: Result<CurlResponse, CurlError>
        do {
            exchange = .success(try await http.execute(CurlRequest(
                url: url, method: method, headers: headers, body: nil, timeout: settings.timeout, maxResponseBytes: 1 << 20
            )))
        } catch {
            exchange = .failure(error)
        }
        if item.request.oidmOutage != nil, let problem = await outage(nil) {
            return result(.failed, "the OIDM outage could not be ended: \(problem)", sent)
        }
        let response: CurlResponse
        switch exchange {
        case .success(let answer): response = answer
        case .failure(let error): return result(.failed, "no answer: \(error)", sent)
        }
        let answer = CaseResult.Answer(
            status: response.status,
            headers: response.headers.filter { ["www-authenticate", "content-type", "location", "x-request-id"].contains($0.name.lowercased()) },
            body: Self.redacted(String(decoding: response.body.prefix(2048), as: UTF8.self), token: token, valid: forge.template.token)
        )
        if !item.expect.accepts(response.status) {
            return result(.failed, "answered \(response.status), expected \(item.expect.statusText)", sent, answer)
        }
        if item.expect.neverFetched, let echo, echo.fetches != fetchesBefore {
            return result(.failed, "the gateway fetched the attacker's key set (\(settings.attackerJWKS))", sent, answer)
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
        if expect.neverFetched { text += ", the attacker's keys never fetched" }
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

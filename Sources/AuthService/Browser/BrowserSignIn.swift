import Curl
import EdgeRuntime
import Foundation
import JOSE
import JSON
import Logging

/// `oms auth` as the browser's OpenID Connect relying party, the way oauth2-proxy is one:
/// `/oauth2/start` sends the browser to OIDM's authorization endpoint (state, nonce, PKCE
/// S256), `/oauth2/callback` exchanges the code and verifies the ID token, then sets the
/// sealed session cookie; `/oauth2/sign_out` clears it. On `/auth`, `session(in:)` turns the
/// cookie back into the access token, which is then checked like any bearer token.
final class BrowserSignIn: Sendable {
    /// An answer of one of the `/oauth2/*` endpoints.
    struct Answer: Sendable {
        var status: Int
        var headers: [(String, String)] = []
        var body: String = ""
    }

    let settings: BrowserSettings
    let sessionCookie: SealedCookie
    let pendingCookie: SealedCookie
    private let issuers: Set<String>
    private let keys: KeySetProvider
    private let http: CurlClient
    private let logger: Logger
    private let metrics: MetricsRegistry?
    private let clock: @Sendable () -> Double

    init(
        settings: BrowserSettings, issuers: Set<String>, keys: KeySetProvider, http: CurlClient, logger: Logger, metrics: MetricsRegistry? = nil,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.metrics = metrics
        metrics?.describe("oms_auth_signins_total", "Browser sign-ins at /oauth2/callback, by result (signed_in, or why one was refused).")
        _ = metrics?.counter("oms_auth_signins_total", [("result", "signed_in")])
        self.settings = settings
        let secure = settings.secureCookies
        // `__Host-`: the browser refuses the cookie unless it is Secure, for Path=/ and set by
        // this very host, so no sibling domain can plant or read one. Plain http on loopback
        // cannot hold a Secure cookie, and the prefix would then be refused.
        sessionCookie = SealedCookie(name: secure ? "__Host-oms_session" : "oms_session", key: settings.key, secure: secure)
        pendingCookie = SealedCookie(name: secure ? "__Host-oms_signin" : "oms_signin", key: settings.key, secure: secure)
        self.issuers = settings.issuer.map { [$0] } ?? issuers
        self.keys = keys
        self.http = http
        self.logger = logger
        self.clock = clock
    }

    /// The session a `Cookie` header holds, if it opens and has not ended.
    func session(in cookieHeader: String?) -> BrowserSession? {
        guard let value = sessionCookie.value(in: cookieHeader), let fields = sessionCookie.open(value) else { return nil }
        return BrowserSession(fields: fields, now: clock())
    }

    // MARK: - /oauth2/start

    func start(query: Substring) -> Answer {
        let target: String
        switch RedirectTarget.parse(query: query, origin: settings.origin) {
        case .absent: target = settings.home
        case .path(let path): target = path
        case .refused: return Self.page(400, "Sign-in refused", "The page to return to must be on this gateway.")
        }
        let pending = PendingSignIn(
            state: RandomBytes.token(), nonce: RandomBytes.token(), verifier: RandomBytes.token(),
            target: target, expiresAt: clock() + PendingSignIn.lifetimeSeconds
        )
        let challenge = Base64URL.encode(SHA256.hash(Array(pending.verifier.utf8)))
        let parameters = [
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", settings.redirectURL),
            ("scope", settings.scopes.joined(separator: " ")), ("state", pending.state), ("nonce", pending.nonce),
            ("code_challenge", challenge), ("code_challenge_method", "S256"),
        ]
        let location = settings.authorizeURL + (settings.authorizeURL.contains("?") ? "&" : "?")
            + FormFields.encode(parameters)
        return Answer(status: 302, headers: [
            ("Location", location),
            ("Set-Cookie", pendingCookie.setCookie(pendingCookie.seal(pending.fields), maxAge: Int(PendingSignIn.lifetimeSeconds))),
            ("Cache-Control", "no-store"),
        ])
    }

    // MARK: - /oauth2/callback

    func callback(query: Substring, cookieHeader: String?, requestID: String?) async -> Answer {
        let fields = FormFields.parse(query)
        let now = clock()
        guard let value = pendingCookie.value(in: cookieHeader), let opened = pendingCookie.open(value),
              let pending = PendingSignIn(fields: opened, now: now) else {
            return refuse("no_pending_sign_in", "This sign-in was not started here, or took too long. Start again.", requestID)
        }
        // RFC 6749 §10.12: the callback must answer the request this browser started.
        guard let state = fields["state"], FormFields.constantTimeEqual(state, pending.state) else {
            return refuse("state_mismatch", "This sign-in does not match the one this browser started. Start again.", requestID)
        }
        if fields["error"] != nil {
            return refuse("provider_refused", "The identity provider did not sign you in.", requestID)
        }
        guard let code = fields["code"], !code.isEmpty, code.utf8.count <= 2048 else {
            return refuse("no_code", "The identity provider sent no authorization code.", requestID)
        }
        let tokens: TokenResponse
        switch await exchange(code: code, verifier: pending.verifier, requestID: requestID) {
        case .success(let answer): tokens = answer
        case .failure(let failure):
            return refuse(failure.reason, failure.unavailable ? "The identity provider could not be reached. Try again." : "The sign-in could not be completed. Start again.",
                          requestID, status: failure.unavailable ? 502 : 401)
        }
        let subject: String
        let idExpiry: Double
        switch await verifyIDToken(tokens.idToken, nonce: pending.nonce, now: now) {
        case .success(let (sub, exp)): (subject, idExpiry) = (sub, exp)
        case .failure(let refusal): return refuse(refusal.reason, "The identity provider's answer did not verify. Start again.", requestID)
        }
        // A session lasts no longer than its tokens: the access token's lifetime as granted,
        // the ID token's, and the configured ceiling.
        var expiresAt = min(now + Double(settings.ttlSeconds), idExpiry)
        if let lifetime = tokens.expiresIn { expiresAt = min(expiresAt, now + lifetime) }
        guard expiresAt > now + 1 else { return refuse("tokens_expired", "The identity provider's tokens have already expired.", requestID) }
        let session = BrowserSession(accessToken: tokens.accessToken, subject: subject, expiresAt: expiresAt, csrf: RandomBytes.token())
        let sealed = sessionCookie.seal(session.fields)
        guard sealed.utf8.count <= SealedCookie.maxValueBytes - sessionCookie.name.utf8.count - 1 else {
            return refuse("session_too_large", "The access token is too large to keep in a browser cookie.", requestID, status: 401)
        }
        metrics?.counter("oms_auth_signins_total", [("result", "signed_in")]).increment()
        logger.info("browser signed in", metadata: ["subject": .string(subject), "request_id": .string(requestID ?? ""), "expires_in_s": .stringConvertible(Int(expiresAt - now))])
        return Answer(status: 302, headers: [
            ("Location", pending.target),
            ("Set-Cookie", sessionCookie.setCookie(sealed, maxAge: Int(expiresAt - now))),
            ("Set-Cookie", pendingCookie.clearCookie),
            ("Cache-Control", "no-store"),
        ])
    }

    // MARK: - /oauth2/sign_out

    func signOut() -> Answer {
        var answer = Self.page(200, "Signed out", "You are signed out. <a id=\"sign-in\" href=\"/oauth2/start?rd=\(Self.escape(settings.home))\">Sign in again</a>", escaped: true)
        answer.headers += [("Set-Cookie", sessionCookie.clearCookie), ("Set-Cookie", pendingCookie.clearCookie), ("Clear-Site-Data", "\"cookies\"")]
        return answer
    }

    // MARK: - The token endpoint and the ID token

    struct TokenResponse: Sendable {
        let accessToken: String
        let idToken: String
        let expiresIn: Double?
    }

    /// Why a sign-in was refused, as a log and metric label.
    struct Refusal: Error, ExpressibleByStringLiteral {
        let reason: String
        init(_ reason: String) { self.reason = reason }
        init(stringLiteral reason: String) { self.reason = reason }
    }

    struct ExchangeFailure: Error {
        let reason: String
        let unavailable: Bool
    }

    private func exchange(code: String, verifier: String, requestID: String?) async -> Result<TokenResponse, ExchangeFailure> {
        let form = [("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURL), ("code_verifier", verifier)]
        // RFC 6749 §2.3.1: the client's id and secret, each form-encoded, as HTTP Basic.
        let basic = Data("\(FormFields.encode(settings.clientID)):\(FormFields.encode(settings.clientSecret.value))".utf8).base64EncodedString()
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"), ("Authorization", "Basic \(basic)")]
        if let requestID { headers.append(("X-Request-Id", requestID)) }
        let request = CurlRequest(
            url: settings.tokenURL, method: "POST", headers: headers,
            body: Array(FormFields.encode(form).utf8),
            timeout: .milliseconds(settings.timeoutMs), maxResponseBytes: 256 << 10, tls: settings.tls
        )
        let response: CurlResponse
        do {
            response = try await http.execute(request)
        } catch {
            logger.warning("token endpoint unavailable", metadata: ["error": .string(error.description), "request_id": .string(requestID ?? "")])
            return .failure(ExchangeFailure(reason: "token_endpoint_unavailable", unavailable: true))
        }
        guard response.status == 200 else {
            // RFC 6749 §5.2: only the error code is worth logging; its description is the provider's text.
            let code = (try? StrictJSON.parseObject(response.body))?["error"]?.stringValue ?? "status \(response.status)"
            logger.warning("token endpoint refused the code", metadata: ["error": .string(String(code.prefix(64))), "request_id": .string(requestID ?? "")])
            return .failure(ExchangeFailure(reason: "code_refused", unavailable: response.status >= 500))
        }
        guard let object = try? StrictJSON.parseObject(response.body),
              // Shaped like a JWS: it will travel in headers to nginx, so no byte of it may be
              // anything else (a CR or LF would split a header).
              let access = object["access_token"]?.stringValue, BearerToken.isCompactJWS(Substring(access)),
              let id = object["id_token"]?.stringValue, !id.isEmpty,
              object["token_type"]?.stringValue?.lowercased() == "bearer" else {
            return .failure(ExchangeFailure(reason: "bad_token_response", unavailable: false))
        }
        let lifetime = object["expires_in"]?.numberValue.flatMap { $0 > 0 ? $0 : nil }
        return .success(TokenResponse(accessToken: access, idToken: id, expiresIn: lifetime))
    }

    /// OpenID Connect Core §3.1.3.7: signed by the issuer's keys, `iss` one we trust, `aud`
    /// this client, not expired, and the `nonce` this browser's sign-in sent.
    private func verifyIDToken(_ token: String, nonce: String, now: Double) async -> Result<(String, Double), Refusal> {
        var verified: VerifiedJWS?
        do throws(JOSEError) {
            guard let verifier = keys.verifier else { return .failure("id_token_unknown_key") }
            verified = try verifier.verify(token)
        } catch where error.code == .unknownKey {
            // A new kid may mean the issuer rotated its keys (the reload is rate-limited).
            if await keys.refreshForUnknownKey() { verified = try? keys.verifier?.verify(token) }
        } catch {
            return .failure(Refusal("id_token_\(error.code)"))
        }
        guard let claims = verified?.claims else { return .failure("id_token_unknown_key") }
        guard let issuer = claims["iss"]?.stringValue, issuers.contains(issuer) else { return .failure("id_token_issuer") }
        let audiences = claims["aud"]?.stringValue.map { [$0] } ?? claims["aud"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard audiences.contains(settings.clientID) else { return .failure("id_token_audience") }
        guard let exp = claims["exp"]?.numberValue, exp > now else { return .failure("id_token_expired") }
        guard let sent = claims["nonce"]?.stringValue, FormFields.constantTimeEqual(sent, nonce) else { return .failure("id_token_nonce") }
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else { return .failure("id_token_subject") }
        return .success((subject, exp))
    }

    // MARK: - Pages

    private func refuse(_ reason: String, _ message: String, _ requestID: String?, status: Int = 401) -> Answer {
        logger.warning("browser sign-in refused", metadata: ["reason": .string(reason), "request_id": .string(requestID ?? "")])
        // The reasons are this file's own words (and JOSE's codes): a bounded set of labels.
        metrics?.counter("oms_auth_signins_total", [("result", reason)]).increment()
        var answer = Self.page(status, "Sign-in failed", "\(Self.escape(message)) <a href=\"/oauth2/start?rd=\(Self.escape(settings.home))\">Sign in</a>", escaped: true)
        answer.headers.append(("Set-Cookie", pendingCookie.clearCookie))
        return answer
    }

    /// A small HTML page. Its texts are this file's own; only `home` (validated as a path) is
    /// ever put in, escaped.
    static func page(_ status: Int, _ title: String, _ message: String, escaped: Bool = false) -> Answer {
        let body = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>\(title)</title></head><body><h1>\(title)</h1><p id=\"message\">\(escaped ? message : escape(message))</p></body></html>"
        return Answer(status: status, headers: [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")], body: body)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}

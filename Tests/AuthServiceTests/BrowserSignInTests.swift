import Curl
import EdgeRuntime
import Foundation
import JOSE
import JSON
import TestSupport
import Testing
@testable import AuthService

/// Browser sign-in through the shipped nginx: `oms auth` as the relying party of the OIDM
/// emulator (authorization code, PKCE S256, ID token), the sealed session cookie, and every
/// way a browser or an attacker can get it wrong.
@Suite(.serialized) struct BrowserSignInTests {
    func withBrowserGateway(_ body: (AuthStack) async throws -> Void) async throws {
        try await AuthStack.withGateway(browser: true, body)
    }

    func lines(_ response: CurlResponse) -> [String: String] {
        var fields: [String: String] = [:]
        for line in response.text.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    /// A query parameter of a redirect's Location.
    func parameter(_ response: CurlResponse, _ name: String) throws -> String {
        let location = try #require(response.header("Location"), "\(response.status) \(response.text)")
        return try #require(URLComponents(string: location)?.queryItems?.first { $0.name == name }?.value, "\(location)")
    }

    /// From `start` (a gateway path) to the callback's answer: the browser follows the
    /// gateway's redirect to sign-in, fills the emulator's form and comes back.
    func signIn(_ stack: AuthStack, _ browser: CookieBrowser, start: String = "/oauth2/start?rd=/ops", password: String = AuthStack.operatorPassword) async throws -> CurlResponse {
        let toProvider = try await browser.get("\(stack.gatewayURL)\(start)")
        #expect(toProvider.status == 302, "\(toProvider.text)")
        let authorize = try #require(toProvider.header("Location"))
        #expect(authorize.hasPrefix("http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/authorize?"))
        #expect(authorize.contains("code_challenge_method=S256"))
        let form = try await browser.get(authorize)
        #expect(form.status == 200)
        #expect(form.text.contains(#"name="username""#) && form.text.contains(#"name="password""#))
        let fields = CookieBrowser.hiddenFields(form.text)
        let posted = try await browser.post(
            "http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/authorize",
            form: fields + [("username", AuthStack.operatorName), ("password", password)]
        )
        guard posted.status == 302, let callback = posted.header("Location") else { return posted }
        #expect(callback.hasPrefix(stack.callbackURL + "?"))
        return try await browser.get(callback)
    }

    @Test func anOperatorSignsInAndTheBackendSeesATokenNotTheCookie() async throws {
        try await withBrowserGateway { stack in
            let browser = CookieBrowser(http: stack.http)
            // Not signed in: a browser route sends the browser to sign in, keeping its query.
            let first = try await browser.get("\(stack.gatewayURL)/ops?status=FAILED&source=crm")
            #expect(first.status == 302)
            // Relative, so it holds behind a load balancer that terminates TLS.
            #expect(first.header("Location") == "/oauth2/start?rd=/ops?status=FAILED&source=crm")

            let back = try await signIn(stack, browser, start: "/oauth2/start?rd=/ops?status=FAILED&source=crm")
            #expect(back.status == 302, "\(back.text)")
            #expect(back.header("Location") == "/ops?status=FAILED&source=crm")
            let setCookie = back.headers.filter { $0.name.lowercased() == "set-cookie" }.map(\.value)
            let session = try #require(setCookie.first { $0.hasPrefix("oms_session=") })
            // Loopback over http: no Secure, hence no __Host- prefix; the rest as always.
            #expect(session.contains("HttpOnly") && session.contains("SameSite=Lax") && session.contains("Path=/"))
            #expect(!session.contains("Secure"))
            #expect(browser.cookies["oms_signin"] == nil, "the sign-in cookie is cleared")
            #expect(try await stack.counter(#"oms_auth_signins_total{result="signed_in"}"#) == 1)

            let page = try await browser.get("\(stack.gatewayURL)/ops?status=FAILED&source=crm")
            #expect(page.status == 200, "\(page.text)")
            let seen = lines(page)
            #expect(seen["subject"] == AuthStack.operatorName)
            #expect(seen["scope"] == "operator documents.read")
            // The upstream gets the session's access token as a bearer token, a CSRF token,
            // and no cookie at all.
            let authorization = try #require(seen["authorization"])
            #expect(authorization.hasPrefix("Bearer ey"))
            #expect(try await stack.auth(String(authorization.dropFirst(7)), uri: "/ops").status == 200, "the token is one oms auth accepts")
            #expect((seen["csrf"] ?? "").count >= 40)
            #expect(seen["cookie"] == "")

            // Sign-out clears the cookie; the next visit goes to sign-in again.
            let out = try await browser.get("\(stack.gatewayURL)/oauth2/sign_out")
            #expect(out.status == 200)
            #expect(out.text.contains("/oauth2/start?rd=/ops"))
            #expect(browser.cookies["oms_session"] == nil)
            #expect(try await browser.get("\(stack.gatewayURL)/ops").status == 302)
        }
    }

    @Test func aSessionCookieIsRefusedOnAPIRoutes() async throws {
        try await withBrowserGateway { stack in
            let browser = CookieBrowser(http: stack.http)
            _ = try await signIn(stack, browser)
            #expect(try await browser.get("\(stack.gatewayURL)/ops").status == 200)
            // The same cookie on an API: a 401 (JSON, no redirect), and auth says why.
            let api = try await browser.get("\(stack.gatewayURL)/v1/documents/42")
            #expect(api.status == 401)
            #expect(api.header("Location") == nil)
            #expect(try await stack.counter(#"oms_auth_decisions_total{outcome="deny_401",reason="session_not_accepted"}"#) >= 1)
            // A bearer token still works there, cookie or not.
            #expect(try await browser.get("\(stack.gatewayURL)/v1/documents/42", headers: [("Authorization", "Bearer \(try stack.issuer.token())")]).status == 200)
        }
    }

    @Test func forgedTamperedAndExpiredCookiesGetTheSignInRedirect() async throws {
        try await withBrowserGateway { stack in
            let browser = CookieBrowser(http: stack.http)
            _ = try await signIn(stack, browser)
            let good = try #require(browser.cookies["oms_session"])
            let key = try #require(stack.sessionKey)
            let cookie = SealedCookie(name: "oms_session", key: key, secure: false)
            let token = try stack.issuer.token(["scope": "operator"])
            var tampered = Array(good.utf8)
            tampered[tampered.count / 2] = tampered[tampered.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let otherKey = try AESGCMKey(bytes: RandomBytes.make(32))
            let cases: [(String, String)] = [
                ("random", RandomBytes.token(200)),
                ("tampered", String(decoding: tampered, as: UTF8.self)),
                ("expired", cookie.seal(BrowserSession(accessToken: token, subject: "alice", expiresAt: Date().timeIntervalSince1970 - 1, csrf: "x").fields)),
                ("another key", SealedCookie(name: "oms_session", key: otherKey, secure: false).seal(BrowserSession(accessToken: token, subject: "alice", expiresAt: Date().timeIntervalSince1970 + 600, csrf: "x").fields)),
                ("the sign-in cookie's seal", SealedCookie(name: "oms_signin", key: key, secure: false).seal(BrowserSession(accessToken: token, subject: "alice", expiresAt: Date().timeIntervalSince1970 + 600, csrf: "x").fields)),
                ("not base64url", "%%%"),
                ("huge", String(repeating: "A", count: 5000)),
                ("empty", ""),
            ]
            for (name, value) in cases {
                let answer = try await stack.gateway("/ops", token: nil, headers: [("Cookie", "oms_session=\(value)")])
                #expect(answer.status == 302, "\(name)")
                #expect(answer.header("Location") == "/oauth2/start?rd=/ops", "\(name)")
            }
            // Two session cookies (one planted by a sibling domain): neither is trusted.
            #expect(try await stack.gateway("/ops", token: nil, headers: [("Cookie", "oms_session=\(good); oms_session=\(good)")]).status == 302)
            // The control: a session sealed with the right key, for the right cookie, opens.
            let made = cookie.seal(BrowserSession(accessToken: token, subject: "alice", expiresAt: Date().timeIntervalSince1970 + 600, csrf: "x").fields)
            #expect(try await stack.gateway("/ops", token: nil, headers: [("Cookie", "oms_session=\(made)")]).status == 200)
            #expect(try await stack.gateway("/ops", token: nil, headers: [("Cookie", "oms_session=\(good)")]).status == 200)
            // An invalid bearer token on a browser route is an API caller's 401, not a redirect.
            let bearer = try await stack.gateway("/ops", token: "not.a.token")
            #expect(bearer.status == 401)
            #expect(bearer.header("Location") == nil)
        }
    }

    @Test func returnTargetsOnOtherHostsAreRefused() async throws {
        try await withBrowserGateway { stack in
            let browser = CookieBrowser(http: stack.http)
            // As sent: nginx passes `rd` on as the client wrote it (`%2F%2F` stays encoded, and
            // is then no path at all).
            for target in ["https://evil.example/", "//evil.example/ops", "/\\evil.example", "/\\/evil.example", "http://127.0.0.1:\(stack.gatewayPort).evil.example/",
                           "http://127.0.0.1:\(stack.gatewayPort)@evil.example/", "%2F%2Fevil.example", "javascript:alert(1)", "HTTPS://EVIL.EXAMPLE/"] {
                let answer = try await browser.get("\(stack.gatewayURL)/oauth2/start?rd=\(target)")
                #expect(answer.status == 400, "\(target)")
                #expect(answer.header("Location") == nil, "\(target)")
            }
            // This gateway's own origin is fine, and becomes a path.
            let own = try await signIn(stack, browser, start: "/oauth2/start?rd=\(stack.gatewayURL)/ops/x")
            #expect(own.header("Location") == "/ops/x")
            // ingress-nginx's auth-signin sends the whole URL percent-encoded: decoded once.
            let encoded = try await signIn(stack, CookieBrowser(http: stack.http), start: "/oauth2/start?rd=http%3A%2F%2F127.0.0.1%3A\(stack.gatewayPort)%2Fops%3Fstatus%3DFAILED")
            #expect(encoded.header("Location") == "/ops?status=FAILED")
            #expect(try await browser.get("\(stack.gatewayURL)/oauth2/start?rd=https%3A%2F%2Fevil.example%2F").status == 400)
        }
    }

    @Test func aCallbackThatDoesNotMatchItsSignInIsRefused() async throws {
        try await withBrowserGateway { stack in
            // State: a real code of this browser's own sign-in, with a state its sign-in cookie
            // does not hold.
            let browser = CookieBrowser(http: stack.http)
            let started = try await browser.get("\(stack.gatewayURL)/oauth2/start?rd=/ops")
            let login = try await browser.get(started.header("Location") ?? "")
            let granted = try await browser.post("http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/authorize",
                                                 form: CookieBrowser.hiddenFields(login.text) + [("username", AuthStack.operatorName), ("password", AuthStack.operatorPassword)])
            let wrongState = try await browser.get("\(stack.callbackURL)?code=\(try parameter(granted, "code"))&state=forged")
            #expect(wrongState.status == 401, "\(wrongState.text)")
            #expect(try await stack.counter(#"oms_auth_signins_total{result="state_mismatch"}"#) == 1)
            #expect(browser.cookies["oms_session"] == nil)
            // No sign-in under way in this browser at all.
            let fresh = CookieBrowser(http: stack.http)
            #expect(try await fresh.get("\(stack.callbackURL)?code=abc&state=abc").status == 401)

            // PKCE: an attacker's own code, injected into the victim's callback with the
            // victim's state, is exchanged with the victim's verifier, and refused.
            let attacker = CookieBrowser(http: stack.http)
            let start = try await attacker.get("\(stack.gatewayURL)/oauth2/start?rd=/ops")
            let form = try await attacker.get(start.header("Location") ?? "")
            let posted = try await attacker.post("http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/authorize",
                                                 form: CookieBrowser.hiddenFields(form.text) + [("username", AuthStack.operatorName), ("password", AuthStack.operatorPassword)])
            let attackerCode = try parameter(posted, "code")
            let victim = CookieBrowser(http: stack.http)
            let victimStart = try await victim.get("\(stack.gatewayURL)/oauth2/start?rd=/ops")
            let victimState = try parameter(victimStart, "state")
            let injected = try await victim.get("\(stack.callbackURL)?code=\(attackerCode)&state=\(victimState)")
            #expect(injected.status == 401, "\(injected.text)")
            #expect(victim.cookies["oms_session"] == nil)

            // A wrong password gets the form again, and no code.
            let wrong = try await signIn(stack, CookieBrowser(http: stack.http), password: "guess")
            #expect(wrong.status == 401)
            #expect(wrong.text.contains("Wrong username or password."))
        }
    }

    @Test func theEmulatorEnforcesPKCEAndSingleUseCodes() async throws {
        try await withBrowserGateway { stack in
            let verifier = RandomBytes.token()
            let challenge = Base64URL.encode(SHA256.hash(Array(verifier.utf8)))
            let browser = CookieBrowser(http: stack.http)
            let authorize = "http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/authorize"
            func code() async throws -> String {
                let posted = try await browser.post(authorize, form: [
                    ("response_type", "code"), ("client_id", AuthStack.consoleClient), ("redirect_uri", stack.callbackURL),
                    ("code_challenge", challenge), ("code_challenge_method", "S256"), ("state", "s"), ("nonce", "n"),
                    ("username", AuthStack.operatorName), ("password", AuthStack.operatorPassword),
                ])
                #expect(posted.status == 302)
                return try parameter(posted, "code")
            }
            func exchange(_ code: String, verifier: String, redirect: String? = nil) async throws -> CurlResponse {
                try await browser.post("http://127.0.0.1:\(stack.oidmPort)/oauth2/rest/rest/token", form: [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect ?? stack.callbackURL), ("code_verifier", verifier),
                    ("client_id", AuthStack.consoleClient), ("client_secret", AuthStack.consoleSecret),
                ])
            }
            #expect(try await exchange(try await code(), verifier: RandomBytes.token()).status == 400)
            #expect(try await exchange(try await code(), verifier: verifier, redirect: "http://127.0.0.1:1/oauth2/callback").status == 400)
            let good = try await code()
            let granted = try await exchange(good, verifier: verifier)
            #expect(granted.status == 200, "\(granted.text)")
            let body = try StrictJSON.parseObject(granted.body)
            let idToken = try #require(body["id_token"]?.stringValue)
            let claims = try JWSVerifier(keys: try JWKS(json: Array(try Data(contentsOf: URL(fileURLWithPath: stack.issuer.jwksFile)))), algorithms: [.es256]).verify(idToken).claims
            #expect(claims["aud"]?.stringValue == AuthStack.consoleClient)
            #expect(claims["nonce"]?.stringValue == "n")
            #expect(claims["sub"]?.stringValue == AuthStack.operatorName)
            // Used once.
            #expect(try await exchange(good, verifier: verifier).status == 400)
            // PKCE is required, and only S256; an unregistered redirect URI is not followed.
            let plain = try await browser.get("\(authorize)?response_type=code&client_id=\(AuthStack.consoleClient)&redirect_uri=\(FormFields.encode(stack.callbackURL))&code_challenge=\(challenge)&code_challenge_method=plain&state=s")
            #expect(plain.status == 302)
            #expect(plain.header("Location")?.contains("error=invalid_request") == true)
            let elsewhere = try await browser.get("\(authorize)?response_type=code&client_id=\(AuthStack.consoleClient)&redirect_uri=\(FormFields.encode("https://evil.example/cb"))&code_challenge=\(challenge)&code_challenge_method=S256")
            #expect(elsewhere.status == 400)
            #expect(elsewhere.header("Location") == nil)
            // Nothing from the query is echoed unescaped on the form.
            let hostile = try await browser.get("\(authorize)?response_type=code&client_id=\(AuthStack.consoleClient)&redirect_uri=\(FormFields.encode(stack.callbackURL))&code_challenge=\(challenge)&code_challenge_method=S256&state=\(FormFields.encode("\"><script>x</script>"))")
            #expect(hostile.status == 200)
            #expect(!hostile.text.contains("<script>x"))
        }
    }
}

import Curl
import Foundation
import JOSE
import JSON
import TestSupport
import Testing
@testable import AuthService

/// `oms auth` against the real OIDM emulator over loopback, asked as nginx asks it.
@Suite(.serialized) struct AuthServiceIntegrationTests {
    @Test func validTokensPassWithTheirIdentity() async throws {
        let stack = try await AuthStack.start()
        for signer in [stack.issuer.es256, stack.issuer.rs256] {
            let response = try await stack.auth(try stack.issuer.token(signer: signer))
            #expect(response.status == 200)
            #expect(response.header("X-Auth-Subject") == "alice")
            #expect(response.header("X-Auth-Domain") == "retail")
            #expect(response.header("X-Auth-Scope") == "documents.read")
            #expect(response.header("X-Auth-Client") == "portal")
        }
        let arrayScopes = try await stack.auth(try stack.issuer.token(["scope": ["documents.read", "extra"]]))
        #expect(arrayScopes.status == 200)
        #expect(arrayScopes.header("X-Auth-Scope") == "documents.read extra")
        await stack.stop()
    }

    @Test func everyKindOfBadTokenIsA401() async throws {
        let stack = try await AuthStack.start()
        let issuer = stack.issuer
        let header = Base64URL.encode(Array("{\"alg\":\"none\",\"typ\":\"JWT\"}".utf8))
        let payload = Base64URL.encode(Array(JSONValue.object(TestIssuer.claims()).serialized().utf8))
        let good = try issuer.token()
        let parts = good.split(separator: ".").map(String.init)
        var tampered = Array(parts[2].utf8)
        tampered[5] = tampered[5] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let cases: [(String, String)] = [
            ("alg none", "\(header).\(payload)."),
            ("stripped signature", "\(parts[0]).\(parts[1])."),
            ("altered signature", "\(parts[0]).\(parts[1]).\(String(decoding: tampered, as: UTF8.self))"),
            ("altered payload", "\(parts[0]).\(payload).\(parts[2])"),
            ("expired", try issuer.token(["exp": .number(Date().timeIntervalSince1970 - 120)])),
            ("not yet valid", try issuer.token(["nbf": .number(Date().timeIntervalSince1970 + 600)])),
            ("wrong issuer", try issuer.token(["iss": "https://evil.test"])),
            ("wrong audience", try issuer.token(["aud": "someone-else"])),
            ("wrong domain", try issuer.token(["domain": "wholesale"])),
            ("attacker key, same kid", try issuer.token(signer: issuer.stranger)),
            ("garbage", "not-a-token"),
            ("two segments", "\(parts[0]).\(parts[1])"),
        ]
        for (name, token) in cases {
            let response = try await stack.auth(token)
            #expect(response.status == 401, "\(name): \(response.status)")
            #expect(response.header("WWW-Authenticate") == "Bearer realm=\"oms\", error=\"invalid_token\"", "\(name)")
            #expect(response.header("X-Auth-Subject") == nil, "\(name)")
        }
        await stack.stop()
    }

    @Test func missingOrMalformedAuthorization() async throws {
        let stack = try await AuthStack.start()
        let none = try await stack.auth(nil)
        #expect(none.status == 401)
        // RFC 6750 §3.1: no error code when the request carried no credentials.
        #expect(none.header("WWW-Authenticate") == "Bearer realm=\"oms\"")
        let basic = try await stack.http.execute(CurlRequest(url: "http://127.0.0.1:\(stack.authPort)/auth", headers: [("Authorization", "Basic YTpi")]))
        #expect(basic.status == 401)

        let big = String(repeating: "A", count: 20_000)
        #expect(try await stack.auth("\(big).\(big).\(big)").status == 401)

        // Bearer tokens not shaped like a compact JWS: refused as malformed, each time it is
        // sent, before the cache and OIDM are asked (no entry, no call).
        let validations = try await stack.oidmValidations()
        let misses = try await stack.counter("oms_auth_cache_total{result=\"miss\"}")
        let shapes = ["abc.def", "a.b.c.d", "a+b.c.d", "a~b.c.d", "a.b.c=", "a/b.c.d"]
        let malformed = try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"malformed\"}")
        for shape in shapes + shapes {
            #expect(try await stack.auth(shape).status == 401, "\(shape)")
        }
        #expect(try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"malformed\"}") == malformed + 2 * shapes.count)
        #expect(try await stack.counter("oms_auth_cache_total{result=\"miss\"}") == misses)
        #expect(try await stack.oidmValidations() == validations)

        // Raw requests no HTTP client library would send.
        let token = try stack.issuer.token()
        let two = RawHTTP.exchange(port: stack.authPort, Array("GET /auth HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\nAuthorization: Bearer \(token)\r\n\r\n".utf8))
        #expect(RawHTTP.status(of: two) == 401, "two Authorization headers: \(two.prefix(80))")
        let nonUTF8 = RawHTTP.exchange(port: stack.authPort, Array("GET /auth HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ".utf8) + [0xFF, 0xFE, 0x2E, 0xC3] + Array("\r\n\r\n".utf8))
        #expect(RawHTTP.status(of: nonUTF8) == 401, "non-UTF-8: \(nonUTF8.prefix(80))")
        let malformedBefore = try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"malformed\"}")
        let huge = RawHTTP.exchange(port: stack.authPort, Array("GET /auth HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(String(repeating: "a", count: 100_000))\r\n\r\n".utf8))
        #expect(RawHTTP.status(of: huge) == 401, "100 KB token: \(huge.prefix(80))")
        // Refused by the HTTP parser, and still counted.
        #expect(try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"malformed\"}") == malformedBefore + 1)
        let garbage = RawHTTP.exchange(port: stack.authPort, Array("\u{1}\u{2}GARBAGE\r\n\r\n".utf8))
        #expect(RawHTTP.status(of: garbage) == 401 || garbage.isEmpty, "garbage: \(garbage.prefix(80))")
        // The service is still fine after all that.
        #expect(try await stack.auth(token).status == 200)
        await stack.stop()
    }

    @Test func routeScopesGive403() async throws {
        let stack = try await AuthStack.start()
        let reader = try stack.issuer.token()
        #expect(try await stack.auth(reader, uri: "/v1/documents/7").status == 200)
        let write = try await stack.auth(reader, uri: "/v1/documents/7", method: "POST")
        #expect(write.status == 403)
        #expect(write.header("WWW-Authenticate") == "Bearer realm=\"oms\", error=\"insufficient_scope\", scope=\"documents.write\"")
        #expect(try await stack.auth(reader, uri: "/v1/documents/../admin/x").status == 403)
        #expect(try await stack.auth(reader, uri: "/v1/documents%2F..%2Fadmin").status == 403)
        #expect(try await stack.auth(reader, uri: "/v1/documentsX").status == 200)  // no rule: global scopes only
        let writer = try stack.issuer.token(["scope": "documents.read documents.write"])
        #expect(try await stack.auth(writer, uri: "/v1/documents/7", method: "POST").status == 200)
        // No scope claim at all.
        #expect(try await stack.auth(try stack.issuer.token(["scope": nil]), uri: "/v1/documents").status == 403)
        // A token problem outranks a scope problem.
        #expect(try await stack.auth(try stack.issuer.token(["aud": "x"]), uri: "/v1/admin").status == 401)
        await stack.stop()
    }

    @Test func revokedAtOIDMWhileTheSignatureIsFine() async throws {
        let stack = try await AuthStack.start()
        let token = try stack.issuer.token()
        try await stack.oidmAdmin("/admin/revoke", ["token": .string(token)])
        let response = try await stack.auth(token)
        #expect(response.status == 401)
        // Only OIDM says no: that is the reason counted, first and from the cache.
        #expect(try await stack.auth(token).status == 401)
        #expect(try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"oidm_rejected\"}") == 2)
        await stack.stop()
    }

    /// When OIDM and the local checks both refuse a token, the local reason is counted (it
    /// says what is wrong), on the first request and on every one answered from the cache.
    @Test func whenBothSayNoTheLocalReasonIsCounted() async throws {
        let stack = try await AuthStack.start()
        let cases: [(String, String)] = [
            ("expired", try stack.issuer.token(["exp": .number(Date().timeIntervalSince1970 - 3600)])),
            ("bad_signature", try stack.issuer.token(signer: stack.issuer.stranger)),
        ]
        for (reason, token) in cases {
            let calls = try await stack.oidmValidations()
            #expect(try await stack.auth(token).status == 401)
            // OIDM's own "no" is cached once its answer is in; then ask again.
            let deadline = ContinuousClock.now + .seconds(5)
            while try await stack.oidmValidations() == calls, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(try await stack.oidmValidations() == calls + 1, "\(reason): OIDM was asked")
            #expect(try await stack.auth(token).status == 401)
            #expect(try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"\(reason)\"}") == 2, "\(reason)")
        }
        #expect(try await stack.counter("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"oidm_rejected\"}") == 0)
        await stack.stop()
    }

    @Test func oidmDownFailsClosed() async throws {
        let stack = try await AuthStack.start()
        await stack.stopEmulator()
        let started = ContinuousClock.now
        #expect(try await stack.auth(try stack.issuer.token()).status == 401)
        #expect(ContinuousClock.now - started < .seconds(3))
        let metrics = String(decoding: try await stack.get(stack.authPort, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("oms_auth_oidm_calls_total{result=\"unavailable\"} 1"), "\(metrics)")
        #expect(metrics.contains("reason=\"oidm_unavailable\""))
        // Degraded, not unready: the decisions fail closed; an unready replica would turn the
        // ingress's 401s into 500s.
        let ready = try await stack.get(stack.authPort, "/readyz")
        let body = String(decoding: ready.body, as: UTF8.self)
        #expect(ready.status == 200 && body.contains(#""oidm":"degraded: "#) && body.contains(#""ready":true"#), "\(body)")
        await stack.stop()
    }

    @Test func oidmSlowerThanTheTimeoutFailsClosed() async throws {
        let stack = try await AuthStack.start(emulatorDelayMs: 6000) { $0.oidm.timeoutMs = 1000 }
        let started = ContinuousClock.now
        #expect(try await stack.auth(try stack.issuer.token()).status == 401)
        let elapsed = ContinuousClock.now - started
        // Well before the emulator would have answered.
        #expect(elapsed >= .milliseconds(900) && elapsed < .milliseconds(4000), "took \(elapsed)")
        // Slow but within the timeout is fine.
        try await stack.oidmAdmin("/admin/delay", ["ms": 200])
        #expect(try await stack.auth(try stack.issuer.token()).status == 200)
        await stack.stop()
    }

    @Test func aLocalFailureDoesNotWaitForOIDM() async throws {
        let stack = try await AuthStack.start(emulatorDelayMs: 5000)
        let started = ContinuousClock.now
        #expect(try await stack.auth(try stack.issuer.token(signer: stack.issuer.stranger)).status == 401)
        #expect(try await stack.auth(try stack.issuer.token(["aud": "x"])).status == 401)
        // Both answered long before OIDM's 5 s.
        #expect(ContinuousClock.now - started < .milliseconds(2500))
        await stack.stop()
    }

    @Test func fiftyConcurrentFirstRequestsMakeOneOIDMCall() async throws {
        let stack = try await AuthStack.start(emulatorDelayMs: 300)
        let token = try stack.issuer.token()
        let before = try await stack.oidmValidations()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<50 { group.addTask { try await stack.auth(token).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 50 && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
        #expect(try await stack.oidmValidations() - before == 1)
        // And later requests come from the cache.
        #expect(try await stack.auth(token).status == 200)
        #expect(try await stack.oidmValidations() - before == 1)
        await stack.stop()
    }

    @Test func cachedTokensStillExpire() async throws {
        let stack = try await AuthStack.start { $0.token.leewaySeconds = 0 }
        let token = try stack.issuer.token(["exp": .number(Date().timeIntervalSince1970.rounded(.up) + 2)])
        #expect(try await stack.auth(token).status == 200)
        try await Task.sleep(for: .seconds(3))
        #expect(try await stack.auth(token).status == 401)
        await stack.stop()
    }

    @Test func breakerStopsCallingAFailingOIDM() async throws {
        let stack = try await AuthStack.start {
            $0.oidm.breakerFailures = 3
            $0.oidm.breakerOpenSeconds = 60
        }
        try await stack.oidmAdmin("/admin/outage", ["status": 503])
        let before = try await stack.oidmValidations()
        for _ in 0..<6 { #expect(try await stack.auth(try stack.issuer.token()).status == 401) }
        #expect(try await stack.oidmValidations() - before == 3)
        // OIDM is back, but the breaker is open: still 401, still no call.
        try await stack.oidmAdmin("/admin/outage", ["status": .null])
        #expect(try await stack.auth(try stack.issuer.token()).status == 401)
        #expect(try await stack.oidmValidations() - before == 3)
        await stack.stop()
    }

    @Test func postFormAndIdentityDomain() async throws {
        let stack = try await AuthStack.start(identityDomain: "OMSDomain") {
            $0.oidm.method = .post
            $0.oidm.identityDomain = "OMSDomain"
        }
        #expect(try await stack.auth(try stack.issuer.token()).status == 200)
        await stack.stop()
        let wrong = try await AuthStack.start(identityDomain: "OMSDomain") { $0.oidm.identityDomain = "Other" }
        #expect(try await wrong.auth(try wrong.issuer.token()).status == 401)
        await wrong.stop()
    }

    @Test func operationalEndpoints() async throws {
        let stack = try await AuthStack.start()
        #expect(try await stack.get(stack.authPort, "/healthz").status == 200)
        let ready = try await stack.get(stack.authPort, "/readyz")
        #expect(ready.status == 200, "\(String(decoding: ready.body, as: UTF8.self))")
        _ = try await stack.auth(try stack.issuer.token())
        _ = try await stack.auth(nil)
        let metrics = String(decoding: try await stack.get(stack.authPort, "/metrics").body, as: UTF8.self)
        #expect(metrics.contains("oms_auth_decisions_total{outcome=\"allow\",reason=\"ok\"} 1"), "\(metrics)")
        #expect(metrics.contains("oms_auth_decisions_total{outcome=\"deny_401\",reason=\"missing_token\"} 1"))
        #expect(metrics.contains("oms_auth_oidm_calls_total{result=\"valid\"} 1"))
        #expect(metrics.contains("oms_auth_cache_total{result=\"miss\"} 1"))
        #expect(try await stack.get(stack.authPort, "/nope").status == 404)
        await stack.stop()
    }
}

import Foundation
import TestSupport
import Testing
@testable import AuthService

/// Connection handling of the lean server.
@Suite(.serialized) struct AuthServerTests {
    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let stack = try await AuthStack.start(emulatorDelayMs: 100)
        let slow = try stack.issuer.token()           // needs an OIDM call
        let request = { (token: String?) -> String in
            "GET /auth HTTP/1.1\r\nHost: x\r\nX-Original-URI: /v1/documents\r\nX-Original-Method: GET\r\n" + (token.map { "Authorization: Bearer \($0)\r\n" } ?? "") + "\r\n"
        }
        let answer = RawHTTP.exchange(port: stack.authPort, Array((request(slow) + request(nil) + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").utf8), timeout: .seconds(20), readUntilClose: true)
        let statuses = answer.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
        #expect(statuses == ["200", "401", "200"], "\(answer)")
        await stack.stop()
    }

    @Test func idleConnectionsAreClosed() async throws {
        let stack = try await AuthStack.start { $0.idleTimeoutSeconds = 1 }
        let started = ContinuousClock.now
        // Connect, send nothing, read until the server closes (or the 5 s read timeout).
        let answer = RawHTTP.exchange(port: stack.authPort, [], timeout: .seconds(5), readUntilClose: true)
        let elapsed = ContinuousClock.now - started
        #expect(answer.isEmpty)
        #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(4), "closed after \(elapsed)")
        await stack.stop()
    }

    @Test func shutdownAnswersTheRequestInHandThenStops() async throws {
        let stack = try await AuthStack.start(emulatorDelayMs: 1500) { $0.oidm.timeoutMs = 5000 }
        let token = try stack.issuer.token()
        async let pending = stack.auth(token)
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        await stack.role.stop()
        // The request waiting on OIDM got its real answer, and the stop did not linger.
        #expect(try await pending.status == 200)
        #expect(ContinuousClock.now - started < .seconds(4))
        // Nothing listens any more.
        #expect(await !Loopback.waitUntilListening(stack.authPort, timeout: .milliseconds(200)))
        await stack.stop()
    }
}

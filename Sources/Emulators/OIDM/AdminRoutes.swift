import EdgeRuntime
import Hummingbird
import JOSE
import JSON

/// `/admin/*`: revoke a token, set the delay, simulate an outage, read the call count.
struct AdminRoutes: Sendable {
    let state: OIDMEmulatorState

    func add(to router: Router<EdgeRequestContext>) {
        let state = self.state
        router.post("/admin/revoke") { request, _ in
            guard let token = try await Self.field("token", of: request)?.stringValue, !token.isEmpty else {
                return ValidationHandler.json(.badRequest, ["error": "body must be {\"token\": \"…\"}"])
            }
            state.values.withLock { _ = $0.revoked.insert(TokenDigest(token)) }
            return ValidationHandler.json(.ok, ["revoked": true])
        }
        router.post("/admin/delay") { request, _ in
            guard let ms = try await Self.field("ms", of: request)?.integerValue, (0...600_000).contains(ms) else {
                return ValidationHandler.json(.badRequest, ["error": "body must be {\"ms\": 0…600000}"])
            }
            state.values.withLock { $0.delayMs = Int(ms) }
            return ValidationHandler.json(.ok, ["delayMs": .number(Double(ms))])
        }
        router.post("/admin/outage") { request, _ in
            guard let status = OutageRequest.parse(try await Self.field("status", of: request)) else {
                return ValidationHandler.json(.badRequest, ["error": .string(OutageRequest.usage)])
            }
            state.values.withLock { $0.failStatus = status }
            return ValidationHandler.json(.ok, ["status": status.map { .number(Double($0)) } ?? .null])
        }
        router.get("/admin/stats") { _, _ in
            let (count, revoked) = state.values.withLock { ($0.validations, $0.revoked.count) }
            return ValidationHandler.json(.ok, ["validations": .number(Double(count)), "revoked": .number(Double(revoked))])
        }
    }

    static func field(_ name: String, of request: Request) async throws -> JSONValue? {
        let body = try await request.body.collect(upTo: 64 * 1024)
        guard case .object(let object)? = try? StrictJSON.parse(Array(buffer: body)) else { return nil }
        return object[name]
    }
}

import EdgeRuntime
import Hummingbird
import JSON
import Synchronization

/// `/admin/*` of the Thunderhead emulator: an outage on demand (every SOAP call answered with
/// that HTTP status and a Server fault, as a failing Thunderhead behind its load balancer
/// would), a delay on demand (every call done at once and answered late, as a Thunderhead
/// whose answers get lost on the way back), and what it counted.
struct ThunderheadAdminRoutes: Sendable {
    let outage: ThunderheadOutage
    let batches: ThunderheadBatches

    func add(to router: Router<EdgeRequestContext>) {
        let outage = self.outage
        let batches = self.batches
        router.post("/admin/outage") { request, _ in
            guard let status = OutageRequest.parse(try await AdminRoutes.field("status", of: request)) else {
                return ValidationHandler.json(.badRequest, ["error": .string(OutageRequest.usage)])
            }
            outage.status.withLock { $0 = status }
            return ValidationHandler.json(.ok, ["status": status.map { .number(Double($0)) } ?? .null])
        }
        router.post("/admin/delay") { request, _ in
            guard let ms = try await AdminRoutes.field("ms", of: request)?.integerValue, (0...600_000).contains(ms) else {
                return ValidationHandler.json(.badRequest, ["error": "body must be {\"ms\": 0…600000}"])
            }
            outage.delayMs.withLock { $0 = Int(ms) }
            return ValidationHandler.json(.ok, ["ms": .number(Double(ms))])
        }
        router.get("/admin/stats") { _, _ in
            ValidationHandler.json(.ok, [
                "batches": .number(Double(batches.count)),
                "outage": outage.status.withLock { $0 }.map { .number(Double($0)) } ?? .null,
                "delay_ms": .number(Double(outage.delayMs.withLock { $0 })),
            ])
        }
    }
}

/// The HTTP status every SOAP call gets while an outage is on, and how late each is answered.
final class ThunderheadOutage: Sendable {
    let status = Mutex<Int?>(nil)
    let delayMs = Mutex(0)
}

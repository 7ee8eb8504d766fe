import EdgeRuntime
import Hummingbird
import JSON
import Synchronization

/// `/admin/*` of the Thunderhead emulator: an outage on demand (every SOAP call answered with
/// that HTTP status and a Server fault, as a failing Thunderhead behind its load balancer
/// would), and what it counted.
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
        router.get("/admin/stats") { _, _ in
            ValidationHandler.json(.ok, [
                "batches": .number(Double(batches.count)),
                "outage": outage.status.withLock { $0 }.map { .number(Double($0)) } ?? .null,
            ])
        }
    }
}

/// The HTTP status every SOAP call gets while an outage is on.
final class ThunderheadOutage: Sendable {
    let status = Mutex<Int?>(nil)
}

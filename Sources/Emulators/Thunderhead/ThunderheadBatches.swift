import Foundation
import Synchronization

/// The emulator's batches: created by submitBatch, moving from QUEUED to PROCESSING to
/// COMPLETED (or FAILED when the transaction data says FAIL) as time passes.
final class ThunderheadBatches: Sendable {
    struct Batch: Sendable {
        let id: Int64
        let name: String
        let createdAt: ContinuousClock.Instant
        let fails: Bool
        let correlationId: String?
        let transactions: Int
    }

    struct Status: Sendable, Equatable {
        let state: String
        let text: String
    }

    private let state = Mutex((next: Int64(1000), batches: [Int64: Batch](), byName: [String: [Int64]]()))
    private let completeAfter: Duration

    init(completeAfterMs: Int) {
        completeAfter = .milliseconds(completeAfterMs)
    }

    func create(name: String, fails: Bool, correlationId: String?, transactions: Int) -> Int64 {
        state.withLock { state in
            let id = state.next
            state.next += 1
            state.batches[id] = Batch(id: id, name: name, createdAt: .now, fails: fails, correlationId: correlationId, transactions: transactions)
            state.byName[name, default: []].append(id)
            return id
        }
    }

    func batch(_ id: Int64) -> Batch? { state.withLock { $0.batches[id] } }

    /// The batches submitted under `name`, newest first.
    func named(_ name: String) -> [Batch] {
        state.withLock { state in (state.byName[name] ?? []).reversed().compactMap { state.batches[$0] } }
    }

    var count: Int { state.withLock { $0.batches.count } }

    func status(of batch: Batch, now: ContinuousClock.Instant = .now) -> Status {
        let elapsed = now - batch.createdAt
        if elapsed < completeAfter / 3 { return Status(state: "QUEUED", text: "Batch \(batch.name) is queued") }
        if elapsed < completeAfter { return Status(state: "PROCESSING", text: "Rendering \(batch.transactions) transaction(s)") }
        if batch.fails { return Status(state: "FAILED", text: "Batch failed: 1 transaction rejected") }
        return Status(state: "COMPLETED", text: "Completed: \(batch.transactions) document(s)")
    }
}

import Database
import Logging
import ServiceLifecycle

/// `retention.finished_days`: once a minute, deletes the requests that finished longer ago
/// than that, with their history, failures and published event, in batches of a few hundred,
/// each its own short transaction with a pause after it, so intake never waits long behind
/// it. A request whose event has not reached Kafka yet is kept until it has. Every replica
/// runs one; on PostgreSQL two sweeping at once skip each other's rows.
public struct RetentionSweeper: Service {
    let store: any CoreStore
    let days: Int
    let logger: Logger
    static let batch = 500
    static let pause: Duration = .milliseconds(50)
    static let interval: Duration = .seconds(60)

    public init(store: any CoreStore, days: Int, logger: Logger) {
        self.store = store
        self.days = days
        self.logger = logger
    }

    public func run() async throws {
        guard days > 0 else { return }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await sweep(nowMs: WallClock.millisecondsNow())
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: Self.interval) }
        }
    }

    /// One sweep: batches until one comes back short; how many requests it deleted.
    @discardableResult
    func sweep(nowMs: Int64) async -> Int {
        let cutoff = nowMs - Int64(days) * 86_400_000
        var deleted = 0
        do {
            while !Task.isShuttingDownGracefully {
                let count = try await store.deleteFinished(beforeMs: cutoff, limit: Self.batch)
                deleted += count
                if count < Self.batch { break }
                try? await Task.sleep(for: Self.pause)
            }
        } catch {
            logger.warning("deleting finished requests failed; retried in a minute", metadata: ["error": .string(error.description)])
        }
        if deleted > 0 {
            logger.info("deleted finished requests past retention", metadata: ["count": .stringConvertible(deleted), "finished_days": .stringConvertible(days)])
        }
        return deleted
    }
}

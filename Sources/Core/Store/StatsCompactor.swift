import Database
import Logging
import ServiceLifecycle

/// Folds the console's stat deltas into their totals every few seconds (`CoreStats`), so the
/// numbers stay cheap to read however many requests pass. Every replica runs one; two folding
/// at once take different rows.
public struct StatsCompactor: Service {
    let store: any CoreStore
    let interval: Duration
    let logger: Logger

    public init(store: any CoreStore, interval: Duration = .seconds(5), logger: Logger) {
        self.store = store
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // A full slice means more wait: fold again at once.
                while try await store.compactStats(nowMs: WallClock.millisecondsNow()) >= 100_000, !Task.isShuttingDownGracefully {}
            } catch {
                logger.warning("folding the console's stats failed; they stay exact, only slower to read", metadata: ["error": .string(error.description)])
            }
            // Ends at once on shutdown, not after the interval.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

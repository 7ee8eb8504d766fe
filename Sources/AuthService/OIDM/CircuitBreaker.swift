import Synchronization

/// Stops calling a failing OIDM: after `failures` consecutive faults it stays open for
/// `openSeconds` (every request gets 401 at once), then lets one trial call through; that
/// call's outcome closes it or opens it again.
final class CircuitBreaker: Sendable {
    enum State: Sendable, Equatable { case closed, open, halfOpen }

    private struct Inner {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
        var trialInFlight = false
    }

    private let failures: Int
    private let openDuration: Duration
    private let inner = Mutex(Inner())

    init(failures: Int, openSeconds: Int) {
        self.failures = failures
        self.openDuration = .seconds(openSeconds)
    }

    /// Whether a call may go out now.
    func allowCall(now: ContinuousClock.Instant = .now) -> Bool {
        inner.withLock { state in
            guard let until = state.openUntil else { return true }
            if now < until || state.trialInFlight { return false }
            state.trialInFlight = true
            return true
        }
    }

    func record(success: Bool, now: ContinuousClock.Instant = .now) {
        inner.withLock { state in
            state.trialInFlight = false
            if success {
                state.consecutiveFailures = 0
                state.openUntil = nil
            } else {
                state.consecutiveFailures += 1
                if state.consecutiveFailures >= failures || state.openUntil != nil {
                    state.openUntil = now + openDuration
                }
            }
        }
    }

    func state(now: ContinuousClock.Instant = .now) -> State {
        inner.withLock { state in
            guard let until = state.openUntil else { return .closed }
            return now < until ? .open : .halfOpen
        }
    }
}

import Synchronization

/// Stops calling a failing dependency (the OIDM, Redis): after `failures` consecutive faults
/// it stays open for `openFor` (callers skip the dependency at once), then lets one trial call
/// through; that call's outcome closes it or opens it again.
public final class CircuitBreaker: Sendable {
    public enum State: Sendable, Equatable { case closed, open, halfOpen }

    private struct Inner {
        var consecutiveFailures = 0
        var openUntil: ContinuousClock.Instant?
        var trialInFlight = false
    }

    private let failures: Int
    private let openDuration: Duration
    private let inner = Mutex(Inner())

    public init(failures: Int, openFor: Duration) {
        self.failures = max(failures, 1)
        self.openDuration = openFor
    }

    /// Whether a call may go out now.
    public func allowCall(now: ContinuousClock.Instant = .now) -> Bool {
        inner.withLock { state in
            guard let until = state.openUntil else { return true }
            if now < until || state.trialInFlight { return false }
            state.trialInFlight = true
            return true
        }
    }

    public func record(success: Bool, now: ContinuousClock.Instant = .now) {
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

    public func state(now: ContinuousClock.Instant = .now) -> State {
        inner.withLock { state in
            guard let until = state.openUntil else { return .closed }
            return now < until ? .open : .halfOpen
        }
    }
}

import EdgeRuntime
import Testing

@Suite struct CircuitBreakerTests {
    @Test func opensAfterConsecutiveFailuresThenTriesOnce() {
        let breaker = CircuitBreaker(failures: 3, openFor: .seconds(10))
        let start = ContinuousClock.now
        #expect(breaker.allowCall(now: start))
        breaker.record(success: false, now: start)
        breaker.record(success: false, now: start)
        #expect(breaker.state(now: start) == .closed)
        breaker.record(success: false, now: start)
        #expect(breaker.state(now: start) == .open)
        #expect(!breaker.allowCall(now: start + .seconds(9)))
        // After the open period one trial goes through, and only one.
        #expect(breaker.allowCall(now: start + .seconds(11)))
        #expect(!breaker.allowCall(now: start + .seconds(11)))
        // A failed trial opens it again for a full period.
        breaker.record(success: false, now: start + .seconds(11))
        #expect(!breaker.allowCall(now: start + .seconds(20)))
        #expect(breaker.allowCall(now: start + .seconds(22)))
        breaker.record(success: true, now: start + .seconds(22))
        #expect(breaker.state(now: start + .seconds(22)) == .closed)
        #expect(breaker.allowCall(now: start + .seconds(22)))
    }

    @Test func aSuccessResetsTheCount() {
        let breaker = CircuitBreaker(failures: 2, openFor: .seconds(10))
        breaker.record(success: false)
        breaker.record(success: true)
        breaker.record(success: false)
        #expect(breaker.state() == .closed)
    }
}

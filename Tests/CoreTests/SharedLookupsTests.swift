@testable import Core
import Synchronization
import Testing

/// One call answers the callers that asked while the call before it was in flight, and never
/// a caller that asked after it was sent.
@Suite struct SharedLookupsTests {
    /// A lookup whose first call is held until `release`; each call answers the version it
    /// saw when it was sent.
    final class Source: Sendable {
        let version = Atomic<Int>(1)
        let calls = Atomic<Int>(0)
        let (gate, opener) = AsyncStream<Void>.makeStream()

        func fetch() async -> Int {
            let seen = version.load(ordering: .acquiring)
            if calls.wrappingAdd(1, ordering: .acquiringAndReleasing).oldValue == 0 {
                for await _ in gate { break }
            }
            return seen
        }

        func release() { opener.yield() }
    }

    final class Counters: Sendable {
        let clock = Atomic<Int>(0)
        let calls = Atomic<Int>(0)
    }

    @Test func callersDuringACallShareTheNextOneAndSeeWhatChangedBeforeIt() async throws {
        let lookups = SharedLookups<Int>()
        let source = Source()
        let first = Task { await lookups.answer(for: "k") { await source.fetch() } }
        while source.calls.load(ordering: .acquiring) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        // Four callers arrive while the first call is in flight, then the value is replaced.
        let later = (0..<4).map { _ in Task { await lookups.answer(for: "k") { await source.fetch() } } }
        try await Task.sleep(for: .milliseconds(200))
        #expect(source.calls.load(ordering: .acquiring) == 1)
        source.version.store(2, ordering: .releasing)
        source.release()

        let firstAnswer = await first.value
        #expect(firstAnswer.answer == 1 && !firstAnswer.joined)
        var answers: [(answer: Int, joined: Bool)] = []
        for task in later { answers.append(await task.value) }
        // Sent after they all asked: none of them sees the version the first call saw.
        #expect(answers.allSatisfy { $0.answer == 2 })
        #expect(answers.filter(\.joined).count == 3)
        #expect(source.calls.load(ordering: .acquiring) == 2)
    }

    @Test func callersOneAfterAnotherEachCall() async {
        let lookups = SharedLookups<Int>()
        let counters = Counters()
        for expected in 1...3 {
            let result = await lookups.answer(for: "k") { counters.calls.wrappingAdd(1, ordering: .relaxed).newValue }
            #expect(result.answer == expected && !result.joined)
        }
    }

    @Test func keysDoNotShare() async throws {
        let lookups = SharedLookups<String>()
        let source = Source()
        let held = Task { await lookups.answer(for: "a") { "a\(await source.fetch())" } }
        while source.calls.load(ordering: .acquiring) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        // "b" is answered while "a" is still held.
        let other = await lookups.answer(for: "b") { "b" }
        #expect(other.answer == "b" && !other.joined)
        source.release()
        #expect(await held.value.answer == "a1")
    }

    /// Many callers at once, in waves: every caller gets an answer, and no answer is older than
    /// its caller.
    @Test func underContentionEveryAnswerIsSentAfterItsCallerAsked() async {
        let lookups = SharedLookups<Int>()
        let counters = Counters()
        let stale = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<2_000 {
                group.addTask {
                    let asked = counters.clock.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
                    let (sentAt, _) = await lookups.answer(for: "k") {
                        counters.calls.wrappingAdd(1, ordering: .relaxed)
                        let sent = counters.clock.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
                        await Task.yield()
                        return sent
                    }
                    return sentAt < asked
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(stale == 0)
        #expect(counters.calls.load(ordering: .relaxed) < 2_000)
    }
}

import Synchronization

/// Lookups that many requests in hand make at once (a batch's source and document type at
/// refdata) share one call, without any of them getting an answer older than itself: a
/// caller that arrives while a call for its key is in flight waits for the next call, which
/// is sent when that one returns and answers everyone who arrived before it was sent. Every
/// answer therefore comes from a call sent after its caller asked, as if each had called
/// alone (a value replaced before a step began is never what that step sees).
///
/// Under load a key costs about two calls per round trip instead of one per request; with one
/// caller at a time nothing waits.
final class SharedLookups<Answer: Sendable>: Sendable {
    /// How a waiting caller is woken: with the answer of the call sent for it, or to send
    /// that call itself (and answer the callers that arrived with it).
    private enum Wake {
        case answer(Answer)
        case send(with: [CheckedContinuation<Wake, Never>])
    }

    /// Per key in flight: the callers that arrived since the call in flight was sent.
    private let waiting = Mutex<[String: [CheckedContinuation<Wake, Never>]]>([:])

    /// `fetch`'s answer, from a call sent after this caller arrived; `joined` when the call was
    /// another caller's (one call saved).
    func answer(for key: String, fetch: @Sendable () async -> Answer) async -> (answer: Answer, joined: Bool) {
        let wake = await withCheckedContinuation { continuation in
            let sender = waiting.withLock { waiting -> Bool in
                guard waiting[key] != nil else {
                    waiting[key] = []
                    return true
                }
                waiting[key]!.append(continuation)
                return false
            }
            // Nothing in flight for the key: this caller sends the call, alone so far.
            if sender { continuation.resume(returning: .send(with: [])) }
        }
        switch wake {
        case .answer(let answer): return (answer, true)
        case .send(let company):
            let answer = await fetch()
            for other in company { other.resume(returning: .answer(answer)) }
            handOver(key)
            return (answer, false)
        }
    }

    /// The callers that arrived during this call get the next one: the first of them sends it.
    private func handOver(_ key: String) {
        let next = waiting.withLock { waiting -> [CheckedContinuation<Wake, Never>] in
            let arrived = waiting[key] ?? []
            if arrived.isEmpty { waiting[key] = nil } else { waiting[key] = [] }
            return arrived
        }
        guard let sender = next.first else { return }
        sender.resume(returning: .send(with: Array(next.dropFirst())))
    }
}

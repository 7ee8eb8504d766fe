import CCurl
import Synchronization

/// A request travelling from a caller's task to the loop thread.
struct CurlPendingRequest: Sendable {
    let id: UInt64
    let request: CurlRequest
    let continuation: CheckedContinuation<Result<CurlResponse, CurlError>, Never>
}

/// The thread-safe half of a client's event loop: the multi handle plus the inbox through
/// which callers hand requests, cancellations and the shutdown request to the loop thread.
/// The loop-thread half is `CurlLoopRunner`.
///
/// `@unchecked Sendable` because of the raw `multi` pointer. It is safe because only the
/// loop thread ever passes `multi` to libcurl, with one exception: `curl_multi_wakeup`,
/// which libcurl documents as callable from any thread. Callers invoke it only while holding
/// `inbox` and only while `phase` says the handle is still alive; the loop thread moves the
/// phase to `.closed` under that same lock before it calls `curl_multi_cleanup`.
final class CurlEventLoop: @unchecked Sendable {
    enum Phase {
        /// Accepting requests.
        case running
        /// shutdown() was called; the loop thread has not yet noticed.
        case stopping
        /// The loop thread is tearing down; `multi` must no longer be touched by anyone else.
        case closed
        /// The multi handle is gone and the loop thread is about to return.
        case finished
    }

    private struct Inbox {
        var phase = Phase.running
        var pending: [CurlPendingRequest] = []
        var cancelled: [UInt64] = []
        var finishWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// What the loop thread picks up in one iteration.
    struct Work {
        var pending: [CurlPendingRequest]
        var cancelled: [UInt64]
        var stopping: Bool
    }

    let multi: UnsafeMutableRawPointer
    let configuration: CurlClient.Configuration
    private let inbox = Mutex(Inbox())
    private let ids = Atomic<UInt64>(0)

    init(configuration: CurlClient.Configuration) {
        CurlGlobal.ensureInitialized()
        guard let multi = curl_multi_init() else {
            fatalError("curl_multi_init failed (out of memory)")
        }
        self.multi = multi
        self.configuration = configuration
        // The multi handle owns the connection cache shared by all transfers: this is what
        // makes sequential requests to one host reuse one keep-alive connection.
        _ = oms_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(0, configuration.maxCachedConnections))
        _ = oms_curl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, configuration.maxConnectionsPerHost))
        _ = oms_curl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max(0, configuration.maxTotalConnections))
    }

    func makeID() -> UInt64 {
        self.ids.wrappingAdd(1, ordering: .relaxed).newValue
    }

    // MARK: Caller side (any thread, never blocks beyond the mutex)

    /// Must be called from the requesting task: the cancellation check happens under the
    /// same lock `cancel(id:)` takes, so a cancellation can never slip between "not yet
    /// cancelled" and "queued" unnoticed.
    func submit(_ item: CurlPendingRequest) {
        let refusal: CurlError? = self.inbox.withLock { inbox in
            guard inbox.phase == .running else {
                return CurlError(code: .shutdown, message: "the client has been shut down")
            }
            if Task.isCancelled {
                return CurlError(code: .cancelled, message: "the task was cancelled")
            }
            inbox.pending.append(item)
            self.wakeUp(inbox)
            return nil
        }
        if let refusal {
            item.continuation.resume(returning: .failure(refusal))
        }
    }

    func cancel(id: UInt64) {
        let unstarted: CurlPendingRequest? = self.inbox.withLock { inbox in
            if let index = inbox.pending.firstIndex(where: { $0.id == id }) {
                return inbox.pending.remove(at: index)
            }
            // Possibly already started (or already finished, in which case the loop ignores it).
            if inbox.phase == .running || inbox.phase == .stopping {
                inbox.cancelled.append(id)
                self.wakeUp(inbox)
            }
            return nil
        }
        unstarted?.continuation.resume(returning: .failure(CurlError(code: .cancelled, message: "the task was cancelled")))
    }

    func requestShutdown() {
        self.inbox.withLock { inbox in
            guard inbox.phase == .running else { return }
            inbox.phase = .stopping
            self.wakeUp(inbox)
        }
    }

    /// Suspends (without blocking a thread) until the loop thread has released libcurl.
    func waitUntilFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = self.inbox.withLock { inbox in
                guard inbox.phase == .finished else {
                    inbox.finishWaiters.append(continuation)
                    return false
                }
                return true
            }
            if finished {
                continuation.resume()
            }
        }
    }

    /// Takes the locked state as a witness that the caller holds the lock. Writing to
    /// libcurl's wakeup pipe never blocks, so doing it under the mutex is cheap, and it is
    /// what closes the race with `close()` + `curl_multi_cleanup`.
    private func wakeUp(_ inbox: borrowing Inbox) {
        if inbox.phase == .running || inbox.phase == .stopping {
            _ = curl_multi_wakeup(self.multi)
        }
    }

    // MARK: Loop-thread side

    func takeWork() -> Work {
        self.inbox.withLock { inbox in
            defer {
                inbox.pending.removeAll()
                inbox.cancelled.removeAll()
            }
            return Work(pending: inbox.pending, cancelled: inbox.cancelled, stopping: inbox.phase != .running)
        }
    }

    /// From here on nobody but the caller of `close()` touches `multi`. Returns requests
    /// that were queued after the last `takeWork()`, which the caller must fail.
    func close() -> [CurlPendingRequest] {
        self.inbox.withLock { inbox in
            inbox.phase = .closed
            defer { inbox.pending.removeAll() }
            return inbox.pending
        }
    }

    /// Called after `curl_multi_cleanup`: releases everyone waiting in `waitUntilFinished()`.
    func finish() {
        let waiters = self.inbox.withLock { inbox in
            inbox.phase = .finished
            defer { inbox.finishWaiters.removeAll() }
            return inbox.finishWaiters
        }
        for waiter in waiters {
            waiter.resume()
        }
    }
}

import Synchronization

/// Group commit for the SQLite writer: writes that arrive while a transaction is being
/// committed wait, and the next transaction runs all of them, each in a savepoint, and commits
/// once. One fsync then serves a whole group, which is what lets a durable intake keep up with
/// thousands of requests a second on one disk.
final class GroupCommit: Sendable {
    /// One caller's write: runs inside the group's transaction, and is told the outcome of the
    /// commit (its own error if it failed, the commit's if that failed).
    struct Job: Sendable {
        /// True when the body succeeded (its savepoint is kept).
        let run: @Sendable (SQLiteConnection) -> Bool
        let finish: @Sendable ((any Error)?) -> Void
        /// The body is one statement, atomic by itself: it runs without a savepoint.
        var single = false
    }

    private struct State {
        var queued: [Job] = []
        var draining = false
    }

    private let state = Mutex(State())
    /// At most this many writes per transaction, so one group cannot grow without bound.
    private let limit: Int

    init(limit: Int = 512) {
        self.limit = limit
    }

    /// Queues `job`; true when the caller must start draining (nobody is).
    func enqueue(_ job: Job) -> Bool {
        state.withLock { state in
            state.queued.append(job)
            if state.draining { return false }
            state.draining = true
            return true
        }
    }

    /// The next group, or nil (and draining stops) when nothing is queued.
    func next() -> [Job]? {
        state.withLock { state in
            if state.queued.isEmpty {
                state.draining = false
                return nil
            }
            let group = Array(state.queued.prefix(limit))
            state.queued.removeFirst(group.count)
            return group
        }
    }
}

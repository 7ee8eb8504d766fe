import Database
import EdgeRuntime

/// The core's tables: one interface, an SQLite and a PostgreSQL implementation.
public protocol CoreStore: DatabaseStore {

    /// Stores a new request of `client` as `RECEIVED` under `id`, with the trace its intake
    /// started, unless that client used `idempotencyKey` before: then the first request's id,
    /// as a replay when the body is the same, else a conflict. Another client's key is another key.
    func intake(_ request: DocumentRequest, idempotencyKey: String, client: String?, id: String, nowMs: Int64, trace: TraceCarrier?) async throws(DatabaseError) -> IntakeOutcome

    /// The request with its history; nil when unknown.
    func request(id: String) async throws(DatabaseError) -> RequestRecord?

    /// The recorded failures of a request, oldest first.
    func failures(id: String) async throws(DatabaseError) -> [RequestFailure]

    /// Requests (without history) in id order, after `after`, optionally of one status and of
    /// one client.
    func list(status: RequestStatus?, after: String?, limit: Int, client: String?) async throws(DatabaseError) -> [RequestRecord]

    /// Leases up to `limit` due, unfinished requests to `owner` until `leaseUntilMs`. A lease
    /// that ran out (a worker that died) makes the request claimable again.
    func claim(owner: String, nowMs: Int64, leaseUntilMs: Int64, limit: Int) async throws(DatabaseError) -> [ClaimedRequest]

    /// Applies a step's result, only while `owner` still holds the request's lease and the
    /// request is still in `from` (a conditional update: two workers can never both advance
    /// it). False when the lease was lost. `retryAtMs` is when a retried failure is due. A
    /// final status is written with its event in the outbox, in the same transaction.
    /// `keepingLeaseUntilMs`: an advance to a status that is not final keeps the lease, renewed
    /// until then, so the worker can go on with the next step without claiming the request
    /// again; nil (and every other result) releases it.
    func complete(
        _ id: String, from: RequestStatus, owner: String, result: StepResult, step: String, maxAttempts: Int, retryAtMs: Int64, nowMs: Int64,
        keepingLeaseUntilMs: Int64?
    ) async throws(DatabaseError) -> Bool

    /// Records, before the batch is sent, that it is about to be sent under `batchName`:
    /// ENRICHED → SUBMITTING, only while `owner` holds the lease (which it keeps). False when
    /// the lease was lost.
    func beginSubmission(_ id: String, owner: String, batchName: String, nowMs: Int64) async throws(DatabaseError) -> Bool

    /// Events of the outbox not yet marked sent, oldest first.
    func unsentEvents(limit: Int) async throws(DatabaseError) -> [StatusEvent]

    /// Up to `limit` unsent events for one relay to publish, oldest first, each the oldest
    /// unsent one of its request (so one request's events go out in order), claimed until
    /// `leaseUntilMs`: while the claim lasts no other relay takes them. On SQLite, whose
    /// database one process holds, this is `unsentEvents`.
    func claimEvents(limit: Int, nowMs: Int64, leaseUntilMs: Int64) async throws(DatabaseError) -> [StatusEvent]

    /// Gives claimed events back at once (their publication failed), for any relay's next round.
    func releaseEvents(_ eventIDs: [String]) async throws(DatabaseError)

    /// Marks events sent (after the broker acknowledged them).
    func markSent(_ eventIDs: [String], nowMs: Int64) async throws(DatabaseError)

    /// How many events wait to be published, and since when the oldest has.
    func outboxBacklog() async throws(DatabaseError) -> OutboxBacklog

    /// Deletes up to `limit` events sent before `beforeMs`; how many it deleted.
    func deleteSent(beforeMs: Int64, limit: Int) async throws(DatabaseError) -> Int

    /// An operator's action (`OperatorAction`): the request moves to the action's target,
    /// attempts reset, due now; the move is in its history.
    func act(_ action: OperatorAction, on id: String, nowMs: Int64) async throws(DatabaseError) -> ActionOutcome

    /// The console's list: up to `limit` requests matching `filter`, newest first, older than
    /// `before`. A combination of filters reads at most `window` index entries per page, and
    /// may return fewer than `limit` with a `next` to go on from.
    func search(_ filter: RequestFilter, before: String?, limit: Int, window: Int) async throws(DatabaseError) -> RequestPage

    /// How many requests match `filter`.
    func count(_ filter: RequestFilter) async throws(DatabaseError) -> Int

    /// Everything about one request: its fields, history, failures and final event.
    func detail(id: String) async throws(DatabaseError) -> RequestDetail?

    /// The console's numbers of one kind from `sinceMinute` on (compacted and not yet), summed
    /// per `stepMinutes` (each row's minute the first of its step).
    func stats(_ kind: CoreStats.Kind, sinceMinute: Int64, stepMinutes: Int64) async throws(DatabaseError) -> [CoreStats.Row]

    /// Deletes up to `limit` requests that reached a final status before `beforeMs`, with
    /// their history, failures and published event, oldest first; a request whose event has
    /// not been published yet is kept. How many it deleted.
    func deleteFinished(beforeMs: Int64, limit: Int) async throws(DatabaseError) -> Int

    /// Folds the stats' delta rows into their totals and prunes minutes past
    /// `CoreStats.keepMinutes`; how many delta rows it folded.
    func compactStats(nowMs: Int64) async throws(DatabaseError) -> Int
}

extension CoreStore {
    /// How many requests are in each status (statuses with none are absent), from the stats
    /// the triggers keep: no table scan, whatever the table holds.
    public func counts() async throws(DatabaseError) -> [RequestStatus: Int] {
        var counts: [RequestStatus: Int] = [:]
        for row in try await stats(.count, sinceMinute: 0) where row.n > 0 {
            guard let status = RequestStatus(rawValue: row.key) else { throw DatabaseError(.corrupt, "unknown status \(row.key) in core_stats") }
            counts[status, default: 0] += Int(row.n)
        }
        return counts
    }

    public func stats(_ kind: CoreStats.Kind, sinceMinute: Int64) async throws(DatabaseError) -> [CoreStats.Row] {
        try await stats(kind, sinceMinute: sinceMinute, stepMinutes: 1)
    }

    /// The list with the console's window (`RequestFilter.searchWindow`).
    public func search(_ filter: RequestFilter, before: String?, limit: Int) async throws(DatabaseError) -> RequestPage {
        try await search(filter, before: before, limit: limit, window: RequestFilter.searchWindow)
    }

    /// Reruns the FAILED requests that match `filter` (whatever status it names), at most
    /// `limit` of them, newest first, each in its own transaction as a single rerun is; how
    /// many were sent back to work.
    public func rerunFailed(_ filter: RequestFilter, limit: Int, nowMs: Int64) async throws(DatabaseError) -> Int {
        var filter = filter
        filter.status = .failed
        var done = 0
        var before: String?
        repeat {
            let page = try await search(filter, before: before, limit: min(500, limit - done))
            for record in page.records {
                if case .moved = try await act(.rerun, on: record.id, nowMs: nowMs) { done += 1 }
            }
            before = page.next
        } while before != nil && done < limit
        return done
    }
}

public struct OutboxBacklog: Sendable, Equatable {
    public var unsent: Int
    /// When the oldest unsent event was written; nil when none waits.
    public var oldestMs: Int64?

    public init(unsent: Int, oldestMs: Int64?) {
        self.unsent = unsent
        self.oldestMs = oldestMs
    }
}

public enum ActionOutcome: Sendable, Equatable {
    /// Done: the request is now in this status.
    case moved(to: RequestStatus)
    /// The action does not apply to a request in this status.
    case notApplicable(RequestStatus)
    case notFound
}

public enum IntakeOutcome: Sendable, Equatable {
    case accepted(id: String)
    /// The same key with the same body: the first answer again.
    case replayed(id: String)
    /// The same key with another body.
    case conflict(id: String)
}

extension CoreStore {
    /// `complete`, releasing the lease whatever the result.
    public func complete(_ id: String, from: RequestStatus, owner: String, result: StepResult, step: String, maxAttempts: Int, retryAtMs: Int64, nowMs: Int64) async throws(DatabaseError) -> Bool {
        try await complete(id, from: from, owner: owner, result: result, step: step, maxAttempts: maxAttempts, retryAtMs: retryAtMs, nowMs: nowMs, keepingLeaseUntilMs: nil)
    }

    /// Every client's requests.
    public func list(status: RequestStatus?, after: String?, limit: Int) async throws(DatabaseError) -> [RequestRecord] {
        try await list(status: status, after: after, limit: limit, client: nil)
    }

    public func intake(_ request: DocumentRequest, idempotencyKey: String, id: String, nowMs: Int64) async throws(DatabaseError) -> IntakeOutcome {
        try await intake(request, idempotencyKey: idempotencyKey, client: nil, id: id, nowMs: nowMs, trace: nil)
    }

    public func intake(_ request: DocumentRequest, idempotencyKey: String, client: String?, id: String, nowMs: Int64) async throws(DatabaseError) -> IntakeOutcome {
        try await intake(request, idempotencyKey: idempotencyKey, client: client, id: id, nowMs: nowMs, trace: nil)
    }

    /// The stored key: the client's own key space. A newline can be in neither a client id
    /// (the claim rules refuse it) nor a header value, so two clients' keys never meet; a
    /// request taken without a client keeps the key as given.
    static func scopedKey(_ key: String, client: String?) -> String {
        client.map { "\($0)\n\(key)" } ?? key
    }
}

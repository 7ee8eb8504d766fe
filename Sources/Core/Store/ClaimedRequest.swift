import EdgeRuntime

/// A request a worker holds the lease of, with what its next step needs.
public struct ClaimedRequest: Sendable, Equatable {
    public var id: String
    public var status: RequestStatus
    public var source: String
    public var documentType: String
    public var data: String
    public var recipient: String?
    public var correlationId: String?
    public var enrichment: String?
    public var batchId: String?
    /// The name the batch is (or was) sent under, from SUBMITTING on.
    public var batchName: String? = nil
    public var attempts: Int
    /// The trace of its intake, which each step's span continues.
    public var trace: TraceCarrier? = nil
}

/// What a step decided for a claimed request.
public enum StepResult: Sendable, Equatable {
    /// Move forward to `status`, keeping what the step learned; its next step is due after
    /// `dueInMs` (a batch just submitted is not looked at again at once).
    case advance(to: RequestStatus, enrichment: String? = nil, batchId: String? = nil, dueInMs: Int64 = 0)
    /// Not yet (a batch still rendering): look again after `delayMs`, no attempt spent.
    case wait(delayMs: Int64)
    /// The step failed: recorded; retried after a backoff until the attempts run out, or
    /// failed at once when `retry` is false (a refusal no retry can change).
    case failure(StepFailure, retry: Bool)
    /// The step failed and nobody can tell whether Thunderhead took the batch: recorded, and
    /// the request waits as UNCERTAIN for an operator.
    case uncertain(StepFailure)
}

public struct StepFailure: Error, Sendable, Equatable {
    public var code: String
    public var message: String
    /// Compact JSON text from the upstream, when it sent any.
    public var detail: String?

    public init(code: String, message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }
}

extension StepResult {
    /// Where a recorded failure leaves the request when it ends its work: UNCERTAIN for
    /// `.uncertain`, FAILED for a failure that is not retried or used the last attempt; nil
    /// while it will be retried (and for results that are not failures).
    func ending(afterAttempt attempt: Int, maxAttempts: Int) -> RequestStatus? {
        switch self {
        case .uncertain: .uncertain
        case .failure(_, let retry): !retry || attempt >= maxAttempts ? .failed : nil
        case .advance, .wait: nil
        }
    }
}

/// Where a document request is. Moves forward: `RECEIVED → VALIDATED → ENRICHED →
/// SUBMITTING → SUBMITTED → COMPLETED`, or to one of the other final states from any earlier
/// one. `SUBMITTING` is written before the batch is sent to Thunderhead, so that a worker that
/// dies mid-call leaves a trace; `UNCERTAIN` waits for an operator (see `OperatorAction`).
public enum RequestStatus: String, Sendable, CaseIterable, Codable {
    case received = "RECEIVED"
    case validated = "VALIDATED"
    case enriched = "ENRICHED"
    /// The batch (named `batch_name`) is being sent, or was sent and not recorded: a worker
    /// that takes the request over asks Thunderhead for the batch before sending it again.
    case submitting = "SUBMITTING"
    case submitted = "SUBMITTED"
    /// Whether Thunderhead took the batch is unknown: the lookup is not available, or the
    /// attempts ran out on an answer that did not say. Not final and not worked on: it waits
    /// for an operator to confirm the batch or resubmit.
    case uncertain = "UNCERTAIN"
    case completed = "COMPLETED"
    /// Validation said no (the source is not allowed).
    case rejected = "REJECTED"
    /// A step failed `jobs.max_attempts` times.
    case failed = "FAILED"

    public var isFinal: Bool { self == .completed || self == .rejected || self == .failed }
}

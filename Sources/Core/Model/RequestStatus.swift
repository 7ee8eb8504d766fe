/// Where a document request is. Moves only forward: `RECEIVED → VALIDATED → ENRICHED →
/// SUBMITTED → COMPLETED`, or to one of the other final states from any earlier one.
public enum RequestStatus: String, Sendable, CaseIterable, Codable {
    case received = "RECEIVED"
    case validated = "VALIDATED"
    case enriched = "ENRICHED"
    case submitted = "SUBMITTED"
    case completed = "COMPLETED"
    /// Validation said no (the source is not allowed).
    case rejected = "REJECTED"
    /// A step failed `jobs.max_attempts` times.
    case failed = "FAILED"

    public var isFinal: Bool { self == .completed || self == .rejected || self == .failed }
}

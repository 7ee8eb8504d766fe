/// What an operator can do to a request that waits for one, and where each sends it.
public enum OperatorAction: Sendable, Equatable {
    /// A FAILED or REJECTED request goes back to work.
    case rerun
    /// An UNCERTAIN request's batch was found in Thunderhead: the request polls it.
    case confirm(batchId: String)
    /// An UNCERTAIN request's batch is not in Thunderhead: a new one is sent, under a new
    /// name, so that a late copy of the first can never be taken for it.
    case resubmit

    /// Where the request goes from `current` (with `history`, oldest first), and what becomes
    /// of its batch id; nil when the action does not apply to it.
    func target(from current: RequestStatus, history: [RequestStatus]) -> (status: RequestStatus, batch: BatchChange)? {
        switch (self, current) {
        case (.rerun, .rejected): return (.received, .keep)
        case (.rerun, .failed):
            // Back to the status it failed in (the last one before FAILED), except that a
            // failed batch is submitted anew (polling it again would only fail again). One
            // that failed while SUBMITTING asks Thunderhead for its batch first.
            switch history.last(where: { !$0.isFinal }) ?? .received {
            case .submitted: return (.enriched, .clear)
            case let status: return (status, .keep)
            }
        case (.confirm(let batch), .uncertain): return (.submitted, .set(batch))
        case (.resubmit, .uncertain): return (.enriched, .clear)
        default: return nil
        }
    }

    enum BatchChange: Sendable, Equatable {
        case keep
        case clear
        case set(String)

        /// The `batch_id` to write, and whether to write it (`CASE WHEN ? THEN ? ELSE batch_id END`).
        var column: (replace: Bool, value: String?) {
            switch self {
            case .keep: (false, nil)
            case .clear: (true, nil)
            case .set(let batch): (true, batch)
            }
        }
    }
}

/// The name a request's batch is sent under: `oms-<request id>` for its first batch, then
/// `oms-<request id>-2`, `-3`… for each batch sent anew (a rerun of a failed batch, an
/// operator's resubmit), so that looking a batch up by name never finds an earlier one.
enum BatchName {
    static func next(for id: String, after previous: String?) -> String {
        let first = "oms-\(id)"
        guard let previous, previous.hasPrefix(first) else { return first }
        let suffix = previous.dropFirst(first.count)
        guard suffix.first == "-", let n = Int(suffix.dropFirst()), n >= 2 else { return "\(first)-2" }
        return "\(first)-\(n + 1)"
    }
}

/// The SQL of `retention.finished_days`, the same in both databases.
enum RetentionSQL {
    /// Finished before the cutoff (an id bound first, so the (status, id) index finds them
    /// oldest first; then the finishing time itself), with no event still waiting for Kafka.
    /// `id` is how the request's id is compared with the outbox's `request_id`: on PostgreSQL
    /// in the latter's collation (`core_requests.id` is "C"), or the outbox's index is unusable.
    static func candidates(id: String = "r.id") -> String {
        """
        SELECT id FROM core_requests r
        WHERE status IN ('COMPLETED', 'FAILED', 'REJECTED') AND id < ? AND updated_at_ms < ?
            AND NOT EXISTS (SELECT 1 FROM core_outbox o WHERE o.request_id = \(id) AND o.sent_at_ms IS NULL)
        ORDER BY id LIMIT ?
        """
    }

    /// The tables whose rows belong to a request (`request_id`), deleted before it.
    static let children = ["core_history", "core_failures", "core_outbox"]

    /// The deletions of the requests whose ids `list` stands for, children first.
    static func deletions(_ list: String) -> [String] {
        children.map { "DELETE FROM \($0) WHERE request_id IN (\(list))" } + ["DELETE FROM core_requests WHERE id IN (\(list))"]
    }
}

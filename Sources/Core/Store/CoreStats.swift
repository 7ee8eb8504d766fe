/// The console's numbers at any size: requests by status, requests finished per minute by
/// final status, and a histogram of RECEIVED → COMPLETED per minute. Triggers on
/// `core_requests` append a delta row per change (`core_stat_deltas`: appends only, so
/// concurrent transactions never wait on a counter row or deadlock over two); a compaction
/// folds the deltas into `core_stats` every few seconds. Reads add both, so they are exact
/// whether or not the compaction has run.
public enum CoreStats {
    public enum Kind: String, Sendable {
        /// Requests now in a status (key: the status; minute 0).
        case count
        /// Requests that reached a final status in a minute (key: the status).
        case finished
        /// Requests that reached COMPLETED in a minute, by how long since RECEIVED (key: the
        /// bucket's index, two digits).
        case duration
    }

    public struct Row: Sendable, Equatable {
        public var key: String
        /// Minutes since the epoch.
        public var minute: Int64
        public var n: Int64
    }

    /// Upper bounds (ms) of the duration buckets, 1-2-5 from 10 ms to 2,000 s; the last bucket
    /// holds everything longer.
    public static let bucketBounds: [Int64] = [10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000, 2_000_000]

    /// Per-minute rows older than this are pruned by the compaction (the charts show a day).
    public static let keepMinutes: Int64 = 2 * 24 * 60

    /// SQL: the bucket key of a duration expression (`'00'` … `'17'`), the same in both
    /// databases.
    static func bucketSQL(_ duration: String) -> String {
        var text = "CASE"
        for (index, bound) in bucketBounds.enumerated() {
            text += " WHEN \(duration) < \(bound) THEN '\(bucketKey(index))'"
        }
        return text + " ELSE '\(bucketKey(bucketBounds.count))' END"
    }

    /// A bucket's key: its index in two digits, so keys sort as the buckets do.
    static func bucketKey(_ index: Int) -> String {
        index < 10 ? "0\(index)" : "\(index)"
    }

    static let finalStatuses = "('COMPLETED', 'FAILED', 'REJECTED')"

    /// The delta rows one change of `core_requests` appends; `new`/`old` name the row images.
    static func deltaInserts(new: String, old: String) -> (insert: String, delete: String, update: [String]) {
        let into = "INSERT INTO core_stat_deltas (kind, key, minute, delta)"
        return (
            "\(into) VALUES ('count', \(new).status, 0, 1)",
            "\(into) VALUES ('count', \(old).status, 0, -1)",
            [
                "\(into) VALUES ('count', \(old).status, 0, -1), ('count', \(new).status, 0, 1)",
                "\(into) SELECT 'finished', \(new).status, \(new).updated_at_ms / 60000, 1 WHERE \(new).status IN \(finalStatuses) AND \(old).status NOT IN \(finalStatuses)",
                "\(into) SELECT 'duration', \(bucketSQL("\(new).updated_at_ms - \(new).created_at_ms")), \(new).updated_at_ms / 60000, 1 WHERE \(new).status = 'COMPLETED' AND \(old).status <> 'COMPLETED'",
            ]
        )
    }

    static var sqliteMigration: [String] {
        let (insert, delete, update) = deltaInserts(new: "NEW", old: "OLD")
        return [
            "CREATE TABLE core_stat_deltas (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, minute INTEGER NOT NULL, delta INTEGER NOT NULL)",
            "CREATE TABLE core_stats (kind TEXT NOT NULL, key TEXT NOT NULL, minute INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (kind, key, minute)) WITHOUT ROWID",
            "INSERT INTO core_stats (kind, key, minute, n) SELECT 'count', status, 0, COUNT(*) FROM core_requests GROUP BY status",
            "CREATE TRIGGER core_stats_insert AFTER INSERT ON core_requests BEGIN \(insert); END",
            "CREATE TRIGGER core_stats_delete AFTER DELETE ON core_requests BEGIN \(delete); END",
            "CREATE TRIGGER core_stats_update AFTER UPDATE OF status ON core_requests WHEN OLD.status <> NEW.status BEGIN \(update.joined(separator: "; ")); END",
        ]
    }

    static var postgresMigration: [String] {
        let (insert, delete, update) = deltaInserts(new: "NEW", old: "OLD")
        return [
            "CREATE TABLE core_stat_deltas (seq BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, minute BIGINT NOT NULL, delta BIGINT NOT NULL)",
            "CREATE TABLE core_stats (kind TEXT NOT NULL, key TEXT NOT NULL, minute BIGINT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (kind, key, minute))",
            "INSERT INTO core_stats (kind, key, minute, n) SELECT 'count', status, 0, COUNT(*) FROM core_requests GROUP BY status",
            """
            CREATE FUNCTION core_stats_track() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    \(insert);
                ELSIF TG_OP = 'DELETE' THEN
                    \(delete);
                ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
                    \(update.joined(separator: ";\n            "));
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER core_stats_track AFTER INSERT OR DELETE OR UPDATE OF status ON core_requests FOR EACH ROW EXECUTE FUNCTION core_stats_track()",
        ]
    }

    /// p50 and p95 (ms) of a histogram (bucket key → count), as the upper bound of the bucket
    /// the quantile falls in (nil past the last bound, or with no data): an estimate that
    /// never understates.
    public static func quantiles(_ histogram: [String: Int64]) -> (p50: Int64?, p95: Int64?, count: Int64)? {
        let total = histogram.values.reduce(0, +)
        guard total > 0 else { return nil }
        func quantile(_ q: Double) -> Int64? {
            let rank = Int64((Double(total) * q).rounded(.up))
            var seen: Int64 = 0
            for index in 0...bucketBounds.count {
                seen += histogram[bucketKey(index)] ?? 0
                if seen >= rank { return index < bucketBounds.count ? bucketBounds[index] : nil }
            }
            return nil
        }
        return (quantile(0.5), quantile(0.95), total)
    }
}

/// Runs `body` with a deadline: past `limit` it is cancelled and `DatabaseError.unavailable`
/// is thrown. The PostgreSQL pool waits for a connection as long as it takes (retrying an
/// unreachable server with backoff), which must not hold a request, or start-up, forever.
enum Deadline {
    static func run<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else {
                throw DatabaseError(.unavailable, "\(what) took longer than \(limit)")
            }
            return value
        }
    }
}

import EdgeRuntime

extension APIError {
    /// Runs a database call for a route: a `DatabaseError` becomes the 503 every role answers
    /// for it (its cause goes to the log).
    public static func database<T>(_ body: () async throws(DatabaseError) -> T) async throws(APIError) -> T {
        do {
            return try await body()
        } catch {
            throw APIError.databaseUnavailable(error)
        }
    }
}

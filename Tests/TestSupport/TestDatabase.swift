import Foundation

/// The two OMS database backends the tests run against, each as a fresh, empty database.
public enum TestDatabase: String, CaseIterable, Sendable {
    case sqlite, postgres

    /// A `database.url`: a new SQLite file in a temporary folder, or a new PostgreSQL database
    /// on the test server (`PostgresServer`).
    public func freshURL() async throws -> String {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-db-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            return "sqlite:" + folder.appendingPathComponent("oms.db").path
        case .postgres:
            return try await PostgresServer.shared.freshDatabase()
        }
    }
}

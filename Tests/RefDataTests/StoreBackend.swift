import Database
import Foundation
import Logging
import RefData
import TestSupport
import Testing

/// The two stores the tests run against: a fresh SQLite file, a fresh PostgreSQL database.
enum StoreBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// A migrated, empty store.
    func makeStore() async throws -> any RefDataStore {
        let store = try await openStore(at: try await makeDatabaseURL())
        try await store.migrate()
        return store
    }

    func makeDatabaseURL() async throws -> DatabaseURL {
        try DatabaseURL(parsing: try await TestDatabase(rawValue: rawValue)!.freshURL())
    }

    /// A store on `url`, not migrated.
    func openStore(at url: DatabaseURL) async throws -> any RefDataStore {
        switch url {
        case .sqlite(let path): SQLiteRefDataStore(database: try await SQLiteFile.open(path: path))
        // A generous deadline: the whole test run loads this 2-core machine, and twenty writers
        // queue on one row lock. The deadline itself has its own tests.
        case .postgres(let endpoint): PostgresRefDataStore(database: try PostgresPool(endpoint: endpoint, timeout: .seconds(30), logger: Self.quiet))
        }
    }
}

/// A database failure: services answer 503 (the database is unavailable) and log `message`.
public struct DatabaseError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unavailable, migration, corrupt
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The database could not be reached or refused the statement.
        public static let unavailable = Code(.unavailable)
        /// The schema could not be created or migrated.
        public static let migration = Code(.migration)
        /// A row did not have the shape the schema promises.
        public static let corrupt = Code(.corrupt)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}

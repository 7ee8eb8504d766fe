/// A catalog file that cannot be used, with where: the file, the case and the key.
public struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var caseID: String?
    public var message: String

    public init(file: String, caseID: String? = nil, _ message: String) {
        self.file = file
        self.caseID = caseID
        self.message = message
    }

    public var description: String {
        "\(file)\(caseID.map { " (\($0))" } ?? ""): \(message)"
    }
}

import Foundation

/// A fresh folder under the system's temporary folder for one suite's files: configurations,
/// secrets, keys and the logs of the processes it starts.
public struct TestFolder: Sendable {
    public let url: URL

    /// `prefix`: how the folder's name starts (`oms-cli-…`), for finding it after a failure.
    public init(_ prefix: String) throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `text` as the file `name`; its path.
    public func write(_ name: String, _ text: String) throws -> String {
        let file = url.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }
}

/// A configuration problem found at start-up. The description is the one line an operator
/// sees before the process exits, so it always names the key.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// The dotted key path (`oidm.url`, `routes[2].prefix`), or the file for whole-file problems.
    public let key: String
    public let message: String

    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "configuration error: \(key): \(message)" }
}

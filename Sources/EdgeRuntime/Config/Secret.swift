/// A credential read from configuration. Its descriptions are a placeholder, so string
/// interpolation, `dump` or a log line that mentions the value by mistake shows nothing.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The credential itself: hand it to the library that sends it, nowhere else.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    public var description: String { "(secret)" }
    public var debugDescription: String { "(secret)" }
}

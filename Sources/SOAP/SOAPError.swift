import XML

/// A message that is not a usable SOAP envelope.
public struct SOAPError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case xml
            case notAnEnvelope = "not_an_envelope"
            case noBody = "no_body"
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The bytes are not acceptable XML (see `xmlError`).
        public static let xml = Code(.xml)
        /// Well-formed XML whose root is not a SOAP 1.1 or 1.2 Envelope.
        public static let notAnEnvelope = Code(.notAnEnvelope)
        /// An Envelope without a Body.
        public static let noBody = Code(.noBody)

        public var description: String { base.rawValue }
    }

    public let code: Code
    public let message: String
    /// The parser's refusal, when `code` is `.xml` (DOCTYPE, depth, size…).
    public let xmlError: XMLError?

    init(_ code: Code, _ message: String, xmlError: XMLError? = nil) {
        self.code = code
        self.message = message
        self.xmlError = xmlError
    }

    public var description: String { "SOAPError(\(code)): \(message)" }
}

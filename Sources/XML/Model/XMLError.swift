/// An error from the XML parser or writer.
///
/// Errors are structs with a stable `code` (the swift-certificates style) so that callers can
/// switch on the code, count it in metrics (``Code/description`` is snake_case and never changes)
/// and still carry a human-readable message. The message never contains input beyond names and
/// short excerpts that libxml2 puts into its own diagnostics, truncated and stripped of control
/// characters, so it is safe to log.
public struct XMLError: Error, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case malformed
            case doctypeForbidden
            case entityForbidden
            case tooDeep
            case tooLarge
            case tooManyNodes
            case invalidCharacter
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The input is not well-formed XML 1.0 / Namespaces in XML 1.0, or the writer would
        /// produce such output (invalid name, unbalanced `start`/`end`).
        public static let malformed = Code(.malformed)
        /// The input contains a document type declaration (XML 1.0 §2.8). DTDs are refused
        /// outright so that no entity declaration is ever processed (XXE, billion laughs).
        public static let doctypeForbidden = Code(.doctypeForbidden)
        /// The input declares or references an entity other than the five predefined ones
        /// (XML 1.0 §4.6) — numeric character references are always allowed.
        public static let entityForbidden = Code(.entityForbidden)
        /// Elements are nested deeper than ``XMLLimits/maxDepth``.
        public static let tooDeep = Code(.tooDeep)
        /// The input is longer than ``XMLLimits/maxBytes``.
        public static let tooLarge = Code(.tooLarge)
        /// The document has more nodes (elements, attributes, text runs) than ``XMLLimits/maxNodes``.
        public static let tooManyNodes = Code(.tooManyNodes)
        /// A character that XML 1.0 cannot carry (outside the §2.2 `Char` production), or bytes
        /// that are not valid in the document's encoding.
        public static let invalidCharacter = Code(.invalidCharacter)

        /// Stable snake_case identifier, suitable as a metrics label.
        public var description: String {
            switch self.base {
            case .malformed: "malformed"
            case .doctypeForbidden: "doctype_forbidden"
            case .entityForbidden: "entity_forbidden"
            case .tooDeep: "too_deep"
            case .tooLarge: "too_large"
            case .tooManyNodes: "too_many_nodes"
            case .invalidCharacter: "invalid_character"
            }
        }
    }

    public let code: Code
    public let message: String
    /// 1-based line of the input where the problem was detected, when known (parser only).
    public let line: Int?
    /// 1-based column of the input where the problem was detected, when known (parser only).
    public let column: Int?

    public init(_ code: Code, _ message: String, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        var result = "XMLError.\(self.code): \(self.message)"
        if let line = self.line {
            result += " (line \(line)"
            if let column = self.column {
                result += ", column \(column)"
            }
            result += ")"
        }
        return result
    }
}

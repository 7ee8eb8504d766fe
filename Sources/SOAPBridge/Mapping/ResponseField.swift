/// One member of the JSON object `XMLToJSON.select` builds from an XML response.
public struct ResponseField: Sendable {
    /// How the selected element's text becomes a JSON value.
    public enum FieldType: Sendable, Hashable {
        /// A JSON string of the element's direct text.
        case string
        /// An `xs:integer`-like value emitted as its exact text; it must be a JSON integer
        /// lexeme after trimming XML whitespace (`-0`, `12345678901234567890`).
        case integer
        /// An `xs:decimal`/`xs:double`-like value emitted as its exact text; it must be a JSON
        /// number lexeme after trimming XML whitespace.
        case number
        /// `true`/`1` → `true`, `false`/`0` → `false` (the `xs:boolean` lexical space).
        case boolean
        /// The element converted by the Oracle convention (`XMLToJSON.convert`).
        case raw
    }

    /// The JSON member name.
    public var name: String
    /// Local names of the elements below the starting element (namespaces ignored), e.g.
    /// `["return", "batchId"]`; each step takes the first match. Empty selects the starting
    /// element itself (not allowed with `each`).
    public var path: [String]
    public var type: FieldType
    /// When set, the last step of `path` selects every matching element and the member is an
    /// array of objects built from these fields relative to each one (`[]` when none).
    public var each: [ResponseField]?

    public init(_ name: String, path: [String], type: FieldType = .string, each: [ResponseField]? = nil) {
        self.name = name
        self.path = path
        self.type = type
        self.each = each
    }
}

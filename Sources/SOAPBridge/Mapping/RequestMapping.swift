/// What a route adds to the Oracle API Gateway JSON→XML convention for its top-level members.
public struct RequestMapping: Sendable {
    /// Top-level members to write first, in this order (a WSDL `xs:sequence`); members not
    /// listed follow in document order. Listed members that are absent are skipped.
    public var order: [String]
    /// Top-level members that must be present and not null (`.missingField` otherwise).
    public var required: [String]
    /// Top-level members whose value is written base64-encoded: a string as its UTF-8 bytes,
    /// a number or boolean as its text, an object or array as the caller's JSON text without
    /// insignificant whitespace (every token as sent: member order, number lexemes, escapes).
    /// A member also named in `entries` is written as entries.
    public var base64: Set<String>
    /// Top-level members holding an object of name → scalar, written as one element per
    /// member of that object in document order (see `EntryShape`).
    public var entries: [String: EntryShape]

    public init(
        order: [String] = [],
        required: [String] = [],
        base64: Set<String> = [],
        entries: [String: EntryShape] = [:]
    ) {
        self.order = order
        self.required = required
        self.base64 = base64
        self.entries = entries
    }
}

/// What a route adds to the Oracle API Gateway JSON→XML convention for its top-level members.
public struct RequestMapping: Sendable {
    /// What happens to a top-level member that the route does not name.
    public enum Additional: String, Sendable {
        /// Refused (`.unknownMember`): the upstream gets only the elements its WSDL has.
        case reject
        /// Written after the named members, in document order.
        case pass
    }

    /// Top-level members to write first, in this order (a WSDL `xs:sequence`). Listed members
    /// that are absent are skipped.
    public var order: [String]
    /// Members named nowhere in the route (`order`, `required`, `base64`, `entries`).
    /// Refused by default when `order` is given: a caller's `"evil": {…}` must not become
    /// `<evil>` in the upstream's request.
    public var additional: Additional
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
        additional: Additional? = nil,
        required: [String] = [],
        base64: Set<String> = [],
        entries: [String: EntryShape] = [:]
    ) {
        self.order = order
        self.additional = additional ?? (order.isEmpty ? .pass : .reject)
        self.required = required
        self.base64 = base64
        self.entries = entries
    }

    /// Every member the route names.
    var named: Set<String> {
        Set(order).union(required).union(base64).union(entries.keys)
    }
}

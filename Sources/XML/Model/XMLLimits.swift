/// Resource limits for ``HardenedXMLParser``. Every limit is enforced while parsing, so hostile
/// input is refused as soon as it crosses one, not after it has been built in memory.
public struct XMLLimits: Sendable {
    /// Maximum element nesting depth; the document element is at depth 1.
    ///
    /// libxml2 2.9 additionally refuses depths beyond 256 on its own (we never pass
    /// `XML_PARSE_HUGE`); that refusal is also reported as ``XMLError/Code/tooDeep``.
    public var maxDepth: Int = 64
    /// Maximum input size in bytes, checked before libxml2 sees the input.
    public var maxBytes: Int = 10 << 20
    /// Maximum number of nodes: elements, attributes and (merged) text nodes.
    public var maxNodes: Int = 1_000_000
    /// Maximum attributes plus namespace declarations on one element. libxml2 2.9 checks
    /// attribute uniqueness in time quadratic in this number, so it is checked on the raw input
    /// before parsing (see `StartTagScanner`). Exceeding it is ``XMLError/Code/tooManyNodes``.
    public var maxAttributesPerElement: Int = 256
    /// Maximum namespace declarations in scope at once (summed over the open elements).
    /// libxml2 resolves every prefix by a linear search of the in-scope declarations.
    /// Exceeding it is ``XMLError/Code/tooManyNodes``.
    public var maxNamespacesInScope: Int = 256

    public init(
        maxDepth: Int = 64,
        maxBytes: Int = 10 << 20,
        maxNodes: Int = 1_000_000,
        maxAttributesPerElement: Int = 256,
        maxNamespacesInScope: Int = 256
    ) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
        self.maxNodes = maxNodes
        self.maxAttributesPerElement = maxAttributesPerElement
        self.maxNamespacesInScope = maxNamespacesInScope
    }
}

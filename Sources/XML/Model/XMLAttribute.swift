/// An attribute of an element. Namespace declarations (`xmlns`, `xmlns:p`) are not attributes in
/// this model: they are consumed by the parser to resolve names (Namespaces in XML 1.0 §3).
public struct XMLAttribute: Sendable, Equatable {
    public var name: XMLName
    /// The normalized attribute value (XML 1.0 §3.3.3), with references already replaced.
    public var value: String

    public init(_ name: XMLName, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A child of an element. Comments and processing instructions are not kept; CDATA sections
/// become text, and adjacent text is merged into one node.
public enum XMLNode: Sendable, Equatable {
    case element(XMLElement)
    case text(String)
}

/// One step of a JSON document, as yielded by `JSONTokenizer.next()`.
///
/// Strings and member names arrive unescaped and validated; numbers arrive as the exact text
/// of the document, so a consumer that must not round (e.g. when mapping to XML) never sees a
/// `Double`.
public enum JSONToken: Sendable, Hashable {
    case objectStart
    case objectEnd
    case arrayStart
    case arrayEnd
    /// A member name; the member's value follows as the next token.
    case key(String)
    case string(String)
    case number(JSONNumberText)
    case bool(Bool)
    case null
}

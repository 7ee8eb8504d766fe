import JSON

/// Former home of JSON string escaping; it now lives in the JSON module as `JSONString`, which
/// produces byte-identical output. Kept so code written against it still compiles.
public enum JSONText {
    @available(*, deprecated, renamed: "JSONString.appendQuoted(_:to:)")
    public static func appendQuoted(_ text: String, to out: inout String) {
        JSONString.appendQuoted(text, to: &out)
    }

    @available(*, deprecated, renamed: "JSONString.quoted(_:)")
    public static func quoted(_ text: String) -> String {
        JSONString.quoted(text)
    }
}

import JSON

/// The body of every refusal the roles answer: `{"error": {"code", "message", "detail"?}}`.
public enum ErrorBody {
    /// `detail` is compact JSON text the caller already produced, or nil.
    public static func json(code: String, message: String, detail: String? = nil) -> String {
        var out = "{\"error\":{\"code\":"
        JSONString.appendQuoted(code, to: &out)
        out += ",\"message\":"
        JSONString.appendQuoted(message, to: &out)
        if let detail { out += ",\"detail\":" + detail }
        return out + "}}"
    }
}

import JSON

/// The body of every refusal the roles answer: `{"error": {"code", "message", "detail"?}}`.
public enum ErrorBody {
    /// `detail` is compact JSON text the caller already produced, or nil.
    public static func json(code: String, message: String, detail: String? = nil) -> String {
        var error: [String: JSONValue] = ["code": .string(code), "message": .string(message)]
        if let detail { error["detail"] = (try? StrictJSON.parse(Array(detail.utf8))) ?? .string(detail) }
        return JSONValue.object(["error": .object(error)]).serialized()
    }
}

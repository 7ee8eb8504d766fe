import JSON

/// What the bridge answers when a call does not succeed: `{"error": {code, message, detail}}`
/// with a status that says whose fault it is.
struct BridgeError: Error, Sendable {
    let status: Int
    let code: String
    let message: String
    /// Compact JSON text (already converted), or nil.
    let detail: String?

    init(status: Int, code: String, message: String, detail: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
    }

    var json: String {
        var out = "{\"error\":{\"code\":"
        JSONString.appendQuoted(code, to: &out)
        out += ",\"message\":"
        JSONString.appendQuoted(message, to: &out)
        if let detail { out += ",\"detail\":" + detail }
        return out + "}}"
    }

    static func notFound(_ method: String, _ path: String) -> BridgeError {
        BridgeError(status: 404, code: "no_route", message: "no route for \(method) \(String(path.prefix(200)))")
    }
}

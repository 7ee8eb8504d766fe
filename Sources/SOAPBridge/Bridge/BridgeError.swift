import EdgeRuntime

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
        ErrorBody.json(code: code, message: message, detail: detail)
    }
}

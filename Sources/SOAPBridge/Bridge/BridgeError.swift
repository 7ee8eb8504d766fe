import EdgeRuntime

/// What the bridge answers when a call does not succeed: `{"error": {code, message, detail}}`
/// with a status that says whose fault it is.
struct BridgeError: Error, Sendable {
    let status: Int
    let code: String
    let message: String
    /// Compact JSON text (already converted), or nil.
    let detail: String?
    /// For an upstream's SOAP fault: `client` or `server` (SOAP 1.2 Sender or Receiver), for
    /// the call's span.
    var faultCode: String? = nil

    init(status: Int, code: String, message: String, detail: String? = nil, faultCode: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.faultCode = faultCode
    }

    var json: String {
        ErrorBody.json(code: code, message: message, detail: detail)
    }
}

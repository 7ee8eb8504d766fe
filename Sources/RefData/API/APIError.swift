import Hummingbird
import EdgeRuntime

/// A refused request, answered as `{"error": {"code", "message"}}` with its status.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    var response: Response {
        Response.json(status, ErrorBody.json(code: code, message: message))
    }

    static func unavailable(_ reason: String) -> APIError {
        APIError(.serviceUnavailable, "database_unavailable", reason)
    }
}

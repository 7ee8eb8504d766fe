import Hummingbird
import Database
import EdgeRuntime

/// A refused request, answered as `{"error": {"code", "message"}}` with its status.
struct APIError: Error, Sendable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// For the log, not the caller: what went wrong behind a 5xx.
    var cause: String?

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String, cause: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.cause = cause
    }

    var response: Response {
        Response.json(status, ErrorBody.json(code: code, message: message))
    }

    static func unavailable(_ cause: DatabaseError) -> APIError {
        APIError(.serviceUnavailable, "database_unavailable", "the database is unavailable", cause: cause.description)
    }
}

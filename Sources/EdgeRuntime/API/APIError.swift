import Hummingbird
import Logging

/// A refused request, answered as `{"error": {"code", "message"}}` with its status.
public struct APIError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String
    /// For the log, not the caller: what went wrong behind a 5xx.
    public var cause: String?

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, cause: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var response: Response {
        Response.json(status, ErrorBody.json(code: code, message: message))
    }

    /// The answer `body` gives, or its refusal; a 5xx is logged with its cause (the request's
    /// logger carries its id).
    public static func answer(_ logger: Logger, _ body: () async throws(APIError) -> Response) async -> Response {
        do {
            return try await body()
        } catch {
            if error.status.code >= 500 {
                logger.error("request failed", metadata: ["code": .string(error.code), "cause": .string(error.cause ?? error.message)])
            }
            return error.response
        }
    }
}

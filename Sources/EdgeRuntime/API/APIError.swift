import Hummingbird
import Logging

/// A refused request, answered as `{"error": {"code", "message"}}` with its status: thrown by
/// a handler, it is rendered by `ErrorMiddleware`.
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

    /// A 5xx is logged with its cause (the request's logger carries its id); a refusal of the
    /// caller's request is the caller's business, not the log's.
    func log(to logger: Logger) {
        guard status.code >= 500 else { return }
        logger.error("request failed", metadata: ["code": .string(code), "cause": .string(cause ?? message)])
    }
}

/// Thrown from a handler, an `APIError` is its own answer: `ErrorMiddleware` logs and renders
/// it, and where no middleware is in the way Hummingbird renders it the same.
extension APIError: HTTPResponseError {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        log(to: context.logger)
        return response
    }
}

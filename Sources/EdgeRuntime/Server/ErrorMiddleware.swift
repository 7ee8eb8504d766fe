import Hummingbird
import Logging

/// Every refusal and failure of a role answered as `{"error": {"code", "message"}}`, in one
/// place: an `APIError` renders itself (a 5xx is logged with its cause first, in the request's
/// log lines), a request no route matches gets 404 `no_route`, and any other error a handler
/// lets through — a bug — gets 500 `internal`: logged, its text never shown to the caller.
/// Hummingbird's own refusals (a body over its limit, say) keep their status.
public struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            error.log(to: context.logger)
            return error.response
        } catch let error as HTTPError where error.status == .notFound {
            let message = "no route for \(request.method.rawValue) \(String(request.uri.path.prefix(200)))"
            return APIError(.notFound, "no_route", message).response
        } catch let error as any HTTPResponseError {
            throw error
        } catch {
            let failure = APIError(.internalServerError, "internal", "the request failed", cause: String(describing: error))
            failure.log(to: context.logger)
            return failure.response
        }
    }
}

import HTTPTypes
import Hummingbird
import Logging

/// Carries `X-Request-Id` through a Hummingbird role: taken from the request when it is a
/// sane token (nginx generates one), generated otherwise, kept in the context for handlers,
/// put in every log line of the request and echoed on the response.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = EdgeRequestContext

    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let id = RequestID.accept(request.headers[.requestID]) ?? RequestID.generate()
        var context = context
        // Handlers read the id from the context, never from logger metadata, which a log
        // handler is free to drop.
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }
}

extension HTTPField.Name {
    public static let requestID = HTTPField.Name("X-Request-Id")!
}

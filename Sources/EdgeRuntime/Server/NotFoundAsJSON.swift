import Hummingbird

/// A request no route matches gets a JSON 404 `no_route`, like every other answer of a role.
public struct NotFoundAsJSON<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let message = "no route for \(request.method.rawValue) \(String(request.uri.path.prefix(200)))"
            return Response.json(.notFound, ErrorBody.json(code: "no_route", message: message))
        }
    }
}

import Hummingbird

/// A request no route matches gets a JSON 404, like every other answer.
struct NotFoundAsJSON<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            return APIError(.notFound, "no_route", "no route for \(request.method.rawValue) \(String(request.uri.path.prefix(200)))").response
        }
    }
}

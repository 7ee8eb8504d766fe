import Hummingbird

/// A request no route matches gets a JSON 404, like every other answer of the bridge.
struct NotFoundAsJSON<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let answer = BridgeError.notFound(request.method.rawValue, request.uri.path)
            return SOAPBridgeRole.json(answer.status, answer.json)
        }
    }
}

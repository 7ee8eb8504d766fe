import HTTPTypes
import Hummingbird
import ServiceContextModule
import Tracing

/// A server span per request, continuing the caller's `traceparent`, named by the method and
/// the route that answered (`GET /v1/requests/{id}`), with the route and the status: each
/// attribute costs on every traced request (recorded, then encoded for export), so only what
/// the name does not already say is recorded. Leaner than Hummingbird's `TracingMiddleware`,
/// which records the query, the user agent and more: this one is on the intake path, whose
/// cost with tracing is measured (`Benchmarks/core-bench.sh`). With no tracer bootstrapped it
/// does nothing.
public struct RequestSpanMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ProcessTracing.isOn else { return try await next(request, context) }
        var parent = ServiceContext.current ?? .topLevel
        ProcessTracing.tracer.extract(request.headers, into: &parent, using: FieldsExtractor())
        let span = ProcessTracing.tracer.startSpan(request.method.rawValue, context: parent, ofKind: .server)
        defer { span.end() }
        do {
            let response = try await ServiceContext.$current.withValue(span.context) { try await next(request, context) }
            finish(span, request, status: Int(response.status.code), context: context)
            return response
        } catch {
            let status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            finish(span, request, status: status, context: context)
            if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
            throw error
        }
    }

    private func finish(_ span: any Span, _ request: Request, status: Int, context: Context) {
        guard span.isRecording else { return }
        let route = context.endpointPath
        span.operationName = "\(request.method.rawValue) \(route ?? "(no route)")"
        span.updateAttributes { attributes in
            attributes["http.route"] = route
            attributes["http.response.status_code"] = status
        }
    }
}

private struct FieldsExtractor: Extractor {
    func extract(key: String, from fields: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { fields[$0] }
    }
}

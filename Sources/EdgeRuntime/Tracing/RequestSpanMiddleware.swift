import HTTPTypes
import Hummingbird
import ServiceContextModule
import Tracing

/// A server span per request, continuing the caller's `traceparent`, named by the route that
/// answered (`/v1/requests/{id}`), with the method, path, route and status. Leaner than
/// Hummingbird's `TracingMiddleware`, which records the query, the user agent and more on
/// every request: this one is on the intake path, whose cost with tracing is measured
/// (`Benchmarks/core-bench.sh`). With no tracer bootstrapped it does nothing.
public struct RequestSpanMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard Tracing.isOn else { return try await next(request, context) }
        var parent = ServiceContext.current ?? .topLevel
        Tracing.tracer.extract(request.headers, into: &parent, using: FieldsExtractor())
        let span = Tracing.tracer.startSpan(request.method.rawValue, context: parent, ofKind: .server)
        defer { span.end() }
        let recording = span.isRecording
        if recording {
            // One update, one lock, for all of them.
            span.updateAttributes { attributes in
                attributes["http.request.method"] = request.method.rawValue
                attributes["url.path"] = request.uri.path
            }
        }
        do {
            let response = try await ServiceContext.$current.withValue(span.context) { try await next(request, context) }
            if recording { finish(span, status: Int(response.status.code), context: context) }
            return response
        } catch {
            let status = Int((error as? any HTTPResponseError)?.status.code ?? 500)
            if recording { finish(span, status: status, context: context) }
            if status >= 500 { span.setStatus(SpanStatus(code: .error)) }
            throw error
        }
    }

    private func finish(_ span: any Span, status: Int, context: Context) {
        let route = context.endpointPath
        if let route { span.operationName = route }
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

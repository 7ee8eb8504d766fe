import EdgeRuntime
import ServiceContextModule
import Tracing

/// The server span of one `/auth` decision, continuing the `traceparent` nginx forwards. It
/// exists only when the process traces (`ProcessTracing.isOn`), and carries attributes only
/// when sampled: an unsampled decision costs one span id and the sampler's answer.
struct DecisionSpan {
    let span: any Span

    init(_ request: AuthRequest) {
        let parent = request.traceparent.map { TraceCarrier(traceparent: $0, tracestate: request.tracestate) }
        span = ProcessTracing.tracer.startSpan("GET /auth", context: TraceContext.context(continuing: parent), ofKind: .server)
    }

    /// The context the decision's own calls (OIDM, a key set refresh) run in.
    var context: ServiceContext { span.context }

    func end(_ decision: AuthDecision, _ request: AuthRequest, cache: String) {
        if span.isRecording {
            span.attributes["http.route"] = "/auth"
            span.attributes["http.response.status_code"] = decision.status
            span.attributes["oms.auth.outcome"] = decision.status == 200 ? "allow" : "deny"
            if case .deny(let reason) = decision.outcome { span.attributes["oms.auth.reason"] = reason.label }
            span.attributes["oms.auth.cache"] = cache
            // The route the client asked for, without its query (which may carry anything).
            if let uri = request.originalURI { span.attributes["oms.auth.route"] = String(uri.prefix { $0 != "?" }.prefix(256)) }
            if let method = request.originalMethod { span.attributes["oms.auth.method"] = String(method.prefix(16)) }
            if let id = request.requestID { span.attributes["oms.request_id"] = id }
        }
        span.end()
    }

    /// `trace_id` and `span_id` for a log line about this decision (no task-local context
    /// exists on the event loop, so the log metadata provider cannot find them).
    var logMetadata: [String: String] {
        guard let parent = TraceContext.carrier(of: span.context)?.traceparent else { return [:] }
        let parts = parent.split(separator: "-")
        guard parts.count == 4 else { return [:] }
        return ["trace_id": String(parts[1]), "span_id": String(parts[2])]
    }
}

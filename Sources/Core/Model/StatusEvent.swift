import EdgeRuntime
import JSON

/// A final status as a CloudEvents 1.0 event in structured JSON mode, written to the outbox in
/// the transaction that sets the status. Its `id` is fixed then, so a re-sent event carries
/// the same id and consumers can drop duplicates.
public struct StatusEvent: Sendable, Equatable {
    public static let type = "com.oms.document.status.v1"
    public static let source = "/oms/core"

    public var eventID: String
    public var requestID: String
    /// The whole CloudEvent, compact JSON text.
    public var payload: String
    /// The request's trace, which the event's record carries as its `traceparent` header.
    public var trace: TraceCarrier?

    public init(eventID: String, requestID: String, payload: String, trace: TraceCarrier? = nil) {
        self.eventID = eventID
        self.requestID = requestID
        self.payload = payload
        self.trace = trace
    }

    /// `data` is the request as it ended: id, status, source, documentType, correlationId,
    /// batchId when known. A traced request's event carries its trace as the CloudEvents
    /// distributed-tracing extension (`traceparent`, `tracestate`).
    static func make(eventID: String, request: String, status: RequestStatus, source: String, documentType: String, correlationId: String?, batchId: String?, atMs: Int64, trace: TraceCarrier? = nil) -> StatusEvent {
        var data: [String: JSONValue] = [
            "id": .string(request), "status": .string(status.rawValue), "source": .string(source), "documentType": .string(documentType),
        ]
        if let correlationId { data["correlationId"] = .string(correlationId) }
        if let batchId { data["batchId"] = .string(batchId) }
        var event: [String: JSONValue] = [
            "specversion": "1.0", "id": .string(eventID), "source": .string(Self.source), "type": .string(Self.type),
            "subject": .string(request), "time": .string(Timestamp.rfc3339(milliseconds: atMs)),
            "datacontenttype": "application/json", "data": .object(data),
        ]
        if let trace {
            event["traceparent"] = .string(trace.traceparent)
            if let state = trace.tracestate { event["tracestate"] = .string(state) }
        }
        return StatusEvent(eventID: eventID, requestID: request, payload: JSONValue.object(event).serialized(), trace: trace)
    }
}

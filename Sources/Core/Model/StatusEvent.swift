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

    public init(eventID: String, requestID: String, payload: String) {
        self.eventID = eventID
        self.requestID = requestID
        self.payload = payload
    }

    /// `data` is the request as it ended: id, status, source, documentType, correlationId,
    /// batchId when known.
    static func make(eventID: String, request: String, status: RequestStatus, source: String, documentType: String, correlationId: String?, batchId: String?, atMs: Int64) -> StatusEvent {
        var out = "{\"specversion\":\"1.0\",\"id\":\"\(eventID)\",\"source\":\"\(Self.source)\",\"type\":\"\(Self.type)\","
        out += "\"subject\":\"\(request)\",\"time\":\"\(Timestamp.rfc3339(milliseconds: atMs))\",\"datacontenttype\":\"application/json\","
        out += "\"data\":{\"id\":\"\(request)\",\"status\":\"\(status.rawValue)\",\"source\":"
        JSONString.appendQuoted(source, to: &out)
        out += ",\"documentType\":"
        JSONString.appendQuoted(documentType, to: &out)
        if let correlationId {
            out += ",\"correlationId\":"
            JSONString.appendQuoted(correlationId, to: &out)
        }
        if let batchId {
            out += ",\"batchId\":"
            JSONString.appendQuoted(batchId, to: &out)
        }
        out += "}}"
        return StatusEvent(eventID: eventID, requestID: request, payload: out)
    }
}

import EdgeRuntime

/// A stored document request, with its status history (oldest first).
public struct RequestRecord: Sendable, Equatable {
    public var id: String
    public var status: RequestStatus
    public var source: String
    public var documentType: String
    public var correlationId: String?
    public var attempts: Int
    public var batchId: String?
    public var createdAtMs: Int64
    public var updatedAtMs: Int64
    public var history: [StatusChange]
    /// The client that submitted it; nil when taken without an access check.
    public var client: String? = nil
    /// The trace its intake started (`traceparent`), when tracing was on.
    public var traceparent: String? = nil
    /// The name its batch is (or was last) sent under, from SUBMITTING on.
    public var batchName: String? = nil

    /// The trace id operators search for, from `traceparent`.
    public var traceID: String? { traceparent.flatMap(TraceContext.traceID(of:)) }

    public struct StatusChange: Sendable, Equatable {
        public var status: RequestStatus
        public var atMs: Int64
    }
}

/// One failure of a step, kept for operators.
public struct RequestFailure: Sendable, Equatable {
    public var step: String
    public var attempt: Int
    public var code: String
    public var message: String
    /// Compact JSON text from the upstream, when there was one.
    public var detail: String?
    public var atMs: Int64
}

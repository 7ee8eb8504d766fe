import EdgeRuntime
import JSON

/// The JSON of requests and their failures, as values (serialised by the JSON module, which
/// escapes every string).
enum RequestJSON {
    static func accepted(_ id: String) -> JSONValue {
        ["id": .string(id), "status": .string(RequestStatus.received.rawValue)]
    }

    static func moved(_ id: String, status: RequestStatus) -> JSONValue {
        ["id": .string(id), "status": .string(status.rawValue)]
    }

    static func request(_ record: RequestRecord, history: Bool) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(record.id), "status": .string(record.status.rawValue), "source": .string(record.source),
            "documentType": .string(record.documentType), "attempts": .number(Double(record.attempts)),
            "createdAt": .string(Timestamp.rfc3339(milliseconds: record.createdAtMs)),
            "updatedAt": .string(Timestamp.rfc3339(milliseconds: record.updatedAtMs)),
        ]
        if let correlation = record.correlationId { members["correlationId"] = .string(correlation) }
        if let batch = record.batchId { members["batchId"] = .string(batch) }
        if let name = record.batchName { members["batchName"] = .string(name) }
        if let trace = record.traceID { members["traceId"] = .string(trace) }
        if history {
            members["history"] = .array(record.history.map { change in
                ["status": .string(change.status.rawValue), "at": .string(Timestamp.rfc3339(milliseconds: change.atMs))]
            })
        }
        return .object(members)
    }

    /// A page of requests, and the cursor of the next one when there is one.
    static func page(_ records: some Sequence<RequestRecord>, next: String?) -> JSONValue {
        var members: [String: JSONValue] = ["items": .array(records.map { request($0, history: false) })]
        if let next { members["nextCursor"] = .string(next) }
        return .object(members)
    }

    static func failures(_ id: String, _ failures: [RequestFailure]) -> JSONValue {
        ["id": .string(id), "errors": .array(failures.map { failure in
            var members: [String: JSONValue] = [
                "step": .string(failure.step), "attempt": .number(Double(failure.attempt)), "code": .string(failure.code),
                "message": .string(failure.message), "at": .string(Timestamp.rfc3339(milliseconds: failure.atMs)),
            ]
            // Stored as validated compact JSON by the job that recorded it.
            if let detail = failure.detail { members["detail"] = (try? StrictJSON.parse(Array(detail.utf8))) ?? .string(detail) }
            return .object(members)
        })]
    }
}

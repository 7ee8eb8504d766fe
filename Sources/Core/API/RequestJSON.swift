import EdgeRuntime
import JSON

/// The JSON of requests and their failures.
enum RequestJSON {
    static func accepted(_ id: String) -> String {
        "{\"id\":\"\(id)\",\"status\":\"\(RequestStatus.received.rawValue)\"}"
    }

    static func append(_ record: RequestRecord, history: Bool, to out: inout String) {
        out += "{\"id\":\"\(record.id)\",\"status\":\"\(record.status.rawValue)\",\"source\":"
        JSONString.appendQuoted(record.source, to: &out)
        out += ",\"documentType\":"
        JSONString.appendQuoted(record.documentType, to: &out)
        if let correlation = record.correlationId {
            out += ",\"correlationId\":"
            JSONString.appendQuoted(correlation, to: &out)
        }
        if let batch = record.batchId {
            out += ",\"batchId\":"
            JSONString.appendQuoted(batch, to: &out)
        }
        out += ",\"attempts\":\(record.attempts)"
        out += ",\"createdAt\":\"\(Timestamp.rfc3339(milliseconds: record.createdAtMs))\""
        out += ",\"updatedAt\":\"\(Timestamp.rfc3339(milliseconds: record.updatedAtMs))\""
        if history {
            out += ",\"history\":["
            for (index, change) in record.history.enumerated() {
                if index > 0 { out += "," }
                out += "{\"status\":\"\(change.status.rawValue)\",\"at\":\"\(Timestamp.rfc3339(milliseconds: change.atMs))\"}"
            }
            out += "]"
        }
        out += "}"
    }

    static func failures(_ id: String, _ failures: [RequestFailure]) -> String {
        var out = "{\"id\":\"\(id)\",\"errors\":["
        for (index, failure) in failures.enumerated() {
            if index > 0 { out += "," }
            out += "{\"step\":"
            JSONString.appendQuoted(failure.step, to: &out)
            out += ",\"attempt\":\(failure.attempt),\"code\":"
            JSONString.appendQuoted(failure.code, to: &out)
            out += ",\"message\":"
            JSONString.appendQuoted(failure.message, to: &out)
            // Stored as validated compact JSON by the job that recorded it.
            if let detail = failure.detail { out += ",\"detail\":" + detail }
            out += ",\"at\":\"\(Timestamp.rfc3339(milliseconds: failure.atMs))\"}"
        }
        return out + "]}"
    }
}

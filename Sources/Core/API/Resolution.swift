import EdgeRuntime
import JSON

/// An operator's answer to an UNCERTAIN request, from `POST /v1/requests/{id}/resolve`'s
/// JSON (`{"action": "confirm", "batchId": "…"}` or `{"action": "resubmit"}`) or the
/// console's form (`action`, `batch_id`): checked in one place for both.
enum Resolution {
    static func action(_ name: String?, batchId: String?) throws(APIError) -> OperatorAction {
        switch name {
        case "confirm":
            guard let batchId, ReferenceKey.isValid(batchId) else {
                throw APIError(.badRequest, "invalid_batch_id", "confirm needs the batch id found in Thunderhead: \(ReferenceKey.rule)")
            }
            return .confirm(batchId: batchId)
        case "resubmit":
            guard batchId == nil || batchId == "" else { throw APIError(.badRequest, "invalid_request", "resubmit takes no batch id") }
            return .resubmit
        default:
            throw APIError(.badRequest, "invalid_action", "action must be confirm (with the batch id) or resubmit")
        }
    }

    static func action(json body: [UInt8]) throws(APIError) -> OperatorAction {
        let parsed: [JSONTopLevel.Member]?
        do {
            parsed = try JSONTopLevel.members(of: body)
        } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not valid JSON: \(error.message)")
        }
        guard let members = parsed else { throw APIError(.badRequest, "invalid_request", "the body must be a JSON object") }
        var action: String?
        var batchId: String?
        for member in members {
            switch (member.name, member.value) {
            // A repeated name is already refused as invalid JSON.
            case ("action", .string(let text)): action = text
            case ("batchId", .string(let text)): batchId = text
            case ("action", _), ("batchId", _):
                throw APIError(.badRequest, "invalid_request", "\(member.name) must be a string")
            default:
                throw APIError(.badRequest, "invalid_request", "unknown member \(APIError.quoted(member.name)); a resolution has action and batchId")
            }
        }
        return try Self.action(action, batchId: batchId)
    }
}

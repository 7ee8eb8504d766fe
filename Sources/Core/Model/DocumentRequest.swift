import EdgeRuntime
import JSON

/// A `POST /v1/requests` body, checked for shape: `source` and `documentType` (refdata keys),
/// `data` (an object), optional `recipient` (an object) and `correlationId`. `data` and
/// `recipient` are kept as the caller's JSON text, compacted, every token as sent.
public struct DocumentRequest: Sendable, Equatable {
    public var source: String
    public var documentType: String
    public var data: String
    public var recipient: String?
    public var correlationId: String?
    /// The whole body, compacted: what "the same body" means for idempotency.
    public var canonicalBody: String

    static let members: Set<String> = ["source", "documentType", "data", "recipient", "correlationId"]

    public init(json body: [UInt8]) throws(APIError) {
        let parsed: [JSONTopLevel.Member]?
        do {
            parsed = try JSONTopLevel.members(of: body)
        } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not valid JSON: \(error.message) at line \(error.line), column \(error.column) (byte \(error.offset))")
        }
        guard let members = parsed else { throw Self.invalid("the body must be a JSON object") }
        for member in members where !Self.members.contains(member.name) {
            throw Self.invalid("unknown member \(APIError.quoted(member.name)); a request has source, documentType, data, recipient and correlationId")
        }
        func member(_ name: String) -> JSONTopLevel.Value? { members.first { $0.name == name }?.value }

        source = try Self.key("source", member("source"))
        documentType = try Self.key("documentType", member("documentType"))
        guard case .object(let dataRange) = member("data") else { throw Self.invalid("data is required and must be an object") }
        data = Self.compact(body, dataRange)
        switch member("recipient") {
        case nil, .null?: recipient = nil
        case .object(let range)?: recipient = Self.compact(body, range)
        default: throw Self.invalid("recipient must be an object")
        }
        switch member("correlationId") {
        case nil, .null?: correlationId = nil
        case .string(let text)?:
            guard (1...128).contains(text.unicodeScalars.count), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
                throw Self.invalid("correlationId must be 1 to 128 characters without control characters")
            }
            correlationId = text
        default: throw Self.invalid("correlationId must be a string")
        }
        canonicalBody = Self.compact(body, 0..<body.count)
    }

    /// The value is looked up as a refdata key, so it follows the key rule.
    private static func key(_ name: String, _ value: JSONTopLevel.Value?) throws(APIError) -> String {
        guard case .string(let text)? = value else { throw invalid("\(name) is required and must be a string") }
        guard ReferenceKey.isValid(text) else { throw invalid("\(name) must match \(ReferenceKey.rule), not \(APIError.quoted(text))") }
        return text
    }

    private static func compact(_ body: [UInt8], _ range: Range<Int>) -> String {
        var out: [UInt8] = []
        body.withUnsafeBufferPointer { JSONCompaction.append(UnsafeBufferPointer(rebasing: $0[range]), to: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func invalid(_ message: String) -> APIError {
        APIError(.badRequest, "invalid_request", message)
    }
}

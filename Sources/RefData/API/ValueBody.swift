import EdgeRuntime
import JSON

/// A PUT body: a JSON object (strict RFC 8259, duplicate names refused), kept as its compact
/// text with every token as sent.
enum ValueBody {
    static func compactObject(_ body: [UInt8]) throws(APIError) -> String {
        var tokens = JSONTokenizer(body)
        var isObject = false
        do throws(JSONError) {
            isObject = try tokens.next() == .objectStart
            while try tokens.next() != nil {}
        } catch {
            throw APIError(.badRequest, "invalid_json", "the body is not valid JSON: \(error.message) at line \(error.line), column \(error.column) (byte \(error.offset))")
        }
        guard isObject else {
            throw APIError(.badRequest, "not_an_object", "the body must be a JSON object (the item's value)")
        }
        var compact: [UInt8] = []
        body.withUnsafeBufferPointer { JSONCompaction.append($0, to: &compact) }
        return String(decoding: compact, as: UTF8.self)
    }
}

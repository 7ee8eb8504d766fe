import CHiredis

extension RedisReply {
    /// Deeper arrays are refused; hiredis 0.14's own reader already stops at 7 levels, this
    /// keeps the recursion bounded whatever reader is linked.
    static let maximumDepth = 16

    /// Copies a hiredis reply tree. The caller still owns (and frees) `reply`.
    init(hiredis reply: UnsafePointer<redisReply>, depth: Int = 0) throws(RedisError) {
        guard depth < Self.maximumDepth else {
            throw RedisError(.protocolError, "reply nested deeper than \(Self.maximumDepth) levels")
        }
        let value = reply.pointee
        switch value.type {
        case REDIS_REPLY_STRING:
            self = .string(Self.bytes(value.str, value.len))
        case REDIS_REPLY_STATUS:
            self = .status(String(decoding: Self.bytes(value.str, value.len), as: UTF8.self))
        case REDIS_REPLY_ERROR:
            self = .error(String(decoding: Self.bytes(value.str, value.len), as: UTF8.self))
        case REDIS_REPLY_INTEGER:
            self = .integer(Int64(value.integer))
        case REDIS_REPLY_NIL:
            self = .null
        case REDIS_REPLY_ARRAY:
            var elements: [RedisReply] = []
            elements.reserveCapacity(value.elements)
            for index in 0..<value.elements {
                guard let element = value.element?[index] else {
                    throw RedisError(.protocolError, "array reply with a missing element")
                }
                elements.append(try RedisReply(hiredis: element, depth: depth + 1))
            }
            self = .array(elements)
        default:
            throw RedisError(.protocolError, "unknown hiredis reply type \(value.type)")
        }
    }

    private static func bytes(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> [UInt8] {
        guard let pointer, length > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: length))
    }
}

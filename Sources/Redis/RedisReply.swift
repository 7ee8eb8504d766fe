/// One RESP2 reply, copied out of hiredis so nothing C-owned outlives the call.
public enum RedisReply: Sendable, Equatable {
    /// A bulk string: arbitrary bytes, not necessarily UTF-8.
    case string([UInt8])
    /// A simple status such as `OK` or `QUEUED`.
    case status(String)
    case integer(Int64)
    case array([RedisReply])
    /// A nil bulk string or nil array (missing key, `MGET` hole, timed-out `BLPOP`).
    case null
    /// An error reply (`ERR ...`, `WRONGTYPE ...`): the server's answer, not a transport failure.
    case error(String)
}

extension RedisReply {
    /// The text of a `.string` or `.status` reply; nil for other cases, and for bulk strings
    /// that are not valid UTF-8 (so binary data is never silently altered).
    public var text: String? {
        switch self {
        case .string(let bytes): String(validating: bytes, as: UTF8.self)
        case .status(let status): status
        default: nil
        }
    }

    /// The bytes of a `.string` reply.
    public var bytes: [UInt8]? {
        if case .string(let bytes) = self { return bytes }
        return nil
    }

    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    public var array: [RedisReply]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    public var isNull: Bool { self == .null }
}

import COpenSSL

/// OpenSSL reports through a per-thread error queue: read the reason of the first entry and
/// empty the queue, so an old entry never explains a later failure.
enum OpenSSLErrorQueue {
    static func drain() -> String? {
        let first = ERR_get_error()
        defer { ERR_clear_error() }
        guard first != 0 else { return nil }
        if let reason = ERR_reason_error_string(first) {
            return String(cString: reason)
        }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(first, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import COpenSSL

/// OpenSSL keeps a per-thread error queue. Every failing call we tolerate must be followed by a
/// drain, or the queue grows and later, unrelated calls report stale errors.
enum OpenSSLErrors {
    /// Empties the calling thread's queue and returns its first entry as `": reason"` (or "").
    static func drain() -> String {
        let first = ERR_get_error()
        ERR_clear_error()
        guard first != 0 else { return "" }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(first, &buffer, buffer.count)
        let text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return ": " + text
    }

    /// Discards queued errors after an expected failure (e.g. a signature that does not verify).
    @inline(__always)
    static func clear() { ERR_clear_error() }
}

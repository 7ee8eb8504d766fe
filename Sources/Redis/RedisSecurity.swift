import TLS

/// The TLS context of one endpoint, built once and shared by all its connections. A context
/// that cannot be built (its files vanished since the configuration was checked) fails every
/// connect with the reason, rather than connecting in plain text.
struct RedisSecurity: Sendable {
    private let built: Result<TLSClientContext, RedisError>?

    init(_ endpoint: RedisEndpoint) {
        guard let settings = endpoint.tls else {
            built = nil
            return
        }
        do {
            built = .success(try TLSClientContext(settings))
        } catch {
            built = .failure(RedisError(.tls, error.message))
        }
    }

    /// nil for a plain endpoint.
    func context() throws(RedisError) -> TLSClientContext? {
        try built?.get()
    }
}

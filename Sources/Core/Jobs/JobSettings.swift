import EdgeRuntime
import TLS

/// `jobs.*`, `refdata.url` and `soap_bridge.url`: how the jobs run and whom they call.
public struct JobSettings: Sendable, Equatable {
    /// Off: this instance only takes and reports requests (`jobs.enabled`).
    public var enabled = true
    public var refdataURL = "http://127.0.0.1:8083"
    public var bridgeURL = "http://127.0.0.1:8082"
    /// `refdata.tls.*` and `soap_bridge.tls.*`, for HTTPS URLs.
    public var refdataTLS = TLSSettings()
    public var bridgeTLS = TLSSettings()
    /// The core's own identity toward each (`refdata.client.*`, `soap_bridge.client.*`):
    /// nil sends no token, for a service that answers anyone.
    public var refdataClient: ClientCredentials?
    public var bridgeClient: ClientCredentials?
    /// The bridge answers `GET /thunderhead/v1/batch-names/{name}` (`soap_bridge.batch_lookup`):
    /// a request found SUBMITTING asks it for its batch before sending another. Off, such a
    /// request waits for an operator as UNCERTAIN.
    public var batchLookup = true
    /// Pause between rounds when nothing was due (`jobs.interval_ms`).
    public var interval: Duration = .milliseconds(200)
    /// Requests claimed, and worked on at once, per round (`jobs.batch_size`).
    public var batchSize = 32
    /// A claim's lease (`jobs.lease_s`): a worker that dies holds its rows this long.
    public var lease: Duration = .seconds(30)
    /// Failed attempts of one step before the request is FAILED (`jobs.max_attempts`).
    public var maxAttempts = 5
    /// First retry delay, doubled per attempt, with jitter (`jobs.backoff_base_ms`).
    public var backoffBase: Duration = .milliseconds(500)
    /// Bound of each call to refdata or the bridge (`jobs.call_timeout_ms`).
    public var callTimeout: Duration = .seconds(10)

    public init() {}

    /// The delay before attempt `attempt + 1`: base × 2^(attempt − 1) × [0.5, 1.5), at most a minute.
    func backoff(afterAttempt attempt: Int) -> Int64 {
        let exponential = backoffBase.milliseconds * pow2(max(attempt - 1, 0)) * Double.random(in: 0.5..<1.5)
        return Int64(min(exponential, 60_000))
    }

    private func pow2(_ exponent: Int) -> Double { Double(1 << min(exponent, 20)) }
}

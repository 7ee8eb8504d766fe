import TLS

/// One HTTP request. A plain value: the client copies everything it needs into libcurl
/// before the transfer starts.
public struct CurlRequest: Sendable {
    /// Absolute `http://` or `https://` URL; anything else fails with `.invalidRequest`.
    public var url: String
    /// "GET", "POST", "PUT", "DELETE", "HEAD", "PATCH", … (an HTTP token).
    public var method: String
    /// Sent in order. An empty value is sent as an empty field (not as a removal).
    public var headers: [(name: String, value: String)]
    /// Request body; `nil` sends none. A POST without a body sends `Content-Length: 0`.
    /// No Content-Type is added for you (set one in `headers`). Ignored for HEAD.
    public var body: [UInt8]?
    /// Total deadline for the whole exchange including the response body (CURLOPT_TIMEOUT_MS).
    public var timeout: Duration
    /// Deadline for the connect phase only (CURLOPT_CONNECTTIMEOUT_MS); `nil` = bounded by `timeout`.
    public var connectTimeout: Duration?
    /// Larger response bodies fail with `.responseTooLarge`.
    public var maxResponseBytes: Int
    /// For `https://`: whom to trust, the client certificate and the name to verify.
    /// TLS 1.2 is the minimum and verification is on unless `insecureSkipVerify`.
    public var tls: TLSSettings
    /// A client span and `traceparent` for this call, in the calling task's trace. Off for
    /// readiness probes, which would start a trace of their own every second.
    public var traced = true

    public init(
        url: String,
        method: String = "GET",
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration = .seconds(10),
        connectTimeout: Duration? = nil,
        maxResponseBytes: Int = 10 << 20,
        tls: TLSSettings = TLSSettings()
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
    }
}

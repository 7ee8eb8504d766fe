import CCurl

/// libcurl's own URL parser (`curl_url`), for the few rewrites the client does: what it
/// reads is exactly what the transfer will use.
struct CurlURLParts: ~Copyable {
    private let handle: OpaquePointer

    init(_ url: String) throws(CurlError) {
        CurlGlobal.ensureInitialized()
        guard let handle = curl_url() else {
            throw CurlError(code: .transport, message: "curl_url() failed (out of memory)")
        }
        let code = curl_url_set(handle, CURLUPART_URL, url, 0)
        guard code == CURLUE_OK else {
            curl_url_cleanup(handle)
            throw CurlError(code: .invalidRequest, message: "invalid URL: \(String(cString: curl_url_strerror(code)))")
        }
        self.handle = handle
    }

    deinit {
        curl_url_cleanup(handle)
    }

    /// The scheme, lower-cased.
    var scheme: String? { (try? part(CURLUPART_SCHEME, flags: 0))?.lowercased() }

    /// The host as written, IPv6 literals in brackets.
    var host: String { (try? part(CURLUPART_HOST, flags: 0)) ?? "" }

    /// The port, or the scheme's default one.
    var port: String { (try? part(CURLUPART_PORT, flags: UInt32(CURLU_DEFAULT_PORT))) ?? "" }

    mutating func setHost(_ host: String) throws(CurlError) {
        let code = curl_url_set(handle, CURLUPART_HOST, host, 0)
        guard code == CURLUE_OK else {
            throw CurlError(code: .invalidRequest, message: "invalid server name \"\(host)\": \(String(cString: curl_url_strerror(code)))")
        }
    }

    func url() throws(CurlError) -> String {
        try part(CURLUPART_URL, flags: 0)
    }

    private func part(_ which: CURLUPart, flags: UInt32) throws(CurlError) -> String {
        var value: UnsafeMutablePointer<CChar>?
        let code = curl_url_get(handle, which, &value, flags)
        guard code == CURLUE_OK, let value else {
            throw CurlError(code: .invalidRequest, message: "URL part missing: \(String(cString: curl_url_strerror(code)))")
        }
        defer { curl_free(value) }
        return String(cString: value)
    }
}

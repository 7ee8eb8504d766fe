import CCurl

extension CurlTransfer {
    /// Applies the request and the client's safety defaults to a freshly reset easy handle.
    func configure(proxy: String?) throws(CurlError) {
        let request = self.request
        // NOSIGNAL: libcurl must not use signals/alarms, it runs on a thread it does not own.
        try self.set(CURLOPT_NOSIGNAL, 1)
        try self.set(CURLOPT_URL, request.url)
        try self.configureTLS()
        // Only http(s), also after any redirect, and no redirects are followed at all: the
        // caller decides what a 3xx means.
        try self.set(CURLOPT_PROTOCOLS_STR, "http,https")
        try self.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https")
        try self.set(CURLOPT_FOLLOWLOCATION, 0)
        // An empty CURLOPT_PROXY makes libcurl ignore http_proxy/https_proxy/all_proxy, so
        // the process environment cannot silently reroute traffic.
        try self.set(CURLOPT_PROXY, proxy ?? "")
        try self.set(CURLOPT_TCP_KEEPALIVE, 1)
        try self.set(CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout))
        if let connectTimeout = request.connectTimeout {
            try self.set(CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(connectTimeout))
        }
        // Lets libcurl fail early on an announced Content-Length; the write callback enforces
        // the limit for chunked bodies. 0 would mean "no limit", and HEAD responses announce
        // a length without sending a body, so both skip it.
        if request.maxResponseBytes > 0, request.method != "HEAD" {
            try self.check(oms_curl_easy_setopt_off_t(self.easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes)))
        }

        let box = Unmanaged.passUnretained(self).toOpaque()
        try self.check(oms_curl_easy_setopt_pointer(self.easy, CURLOPT_ERRORBUFFER, self.errorBuffer))
        try self.check(oms_curl_easy_setopt_pointer(self.easy, CURLOPT_PRIVATE, box))
        try self.check(oms_curl_easy_setopt_pointer(self.easy, CURLOPT_WRITEDATA, box))
        try self.check(oms_curl_easy_setopt_pointer(self.easy, CURLOPT_HEADERDATA, box))
        try self.check(
            oms_curl_easy_setopt_write_function(self.easy, CURLOPT_WRITEFUNCTION) { data, size, count, userdata in
                Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
                    .receiveBody(data, count: size * count)
            }
        )
        try self.check(
            oms_curl_easy_setopt_header_function(self.easy) { data, size, count, userdata in
                Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
                    .receiveHeader(data, count: size * count)
            }
        )

        try self.configureMethodAndBody()
        try self.configureHeaders()
    }

    private func configureMethodAndBody() throws(CurlError) {
        let method = self.request.method
        if method == "HEAD" {
            try self.set(CURLOPT_NOBODY, 1)
        } else if let body = self.request.body {
            // COPYPOSTFIELDS copies the bytes, so the array need not outlive this call. The
            // size must be set first, or libcurl would strlen() binary data. An empty body
            // still needs a non-NULL pointer: with NULL libcurl would read from stdin.
            try self.check(oms_curl_easy_setopt_off_t(self.easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)))
            let code = body.withUnsafeBytes { bytes in
                "".withCString { empty in
                    oms_curl_easy_setopt_pointer(
                        self.easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(empty)))
                }
            }
            try self.check(code)
            if method != "POST" {
                // COPYPOSTFIELDS implies POST; CUSTOMREQUEST only replaces the method word.
                try self.set(CURLOPT_CUSTOMREQUEST, method)
            }
        } else if method == "POST" {
            try self.check(oms_curl_easy_setopt_off_t(self.easy, CURLOPT_POSTFIELDSIZE_LARGE, 0))
            try self.check("".withCString { oms_curl_easy_setopt_pointer(self.easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0)) })
        } else if method == "GET" {
            try self.set(CURLOPT_HTTPGET, 1)
        } else {
            try self.set(CURLOPT_CUSTOMREQUEST, method)
        }
    }

    /// Set on every transfer, not only for https: an easy handle is reused, and `reset`
    /// restores libcurl's defaults, which are the system store and verification on.
    private func configureTLS() throws(CurlError) {
        let tls = self.request.tls
        try self.set(CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        try self.set(CURLOPT_SSL_VERIFYPEER, tls.insecureSkipVerify ? 0 : 1)
        try self.set(CURLOPT_SSL_VERIFYHOST, tls.insecureSkipVerify ? 0 : 2)
        if let caFile = tls.caFile {
            try self.set(CURLOPT_CAINFO, caFile)
        }
        if let certFile = tls.certFile, let keyFile = tls.keyFile {
            try self.set(CURLOPT_SSLCERTTYPE, "PEM")
            try self.set(CURLOPT_SSLCERT, certFile)
            try self.set(CURLOPT_SSLKEY, keyFile)
        }
        if let serverName = tls.serverName, try CurlURLParts(self.request.url).scheme == "https" {
            // libcurl verifies (and sends as SNI) the URL's host. To verify another name,
            // the URL names that one and CONNECT_TO sends the connection where the URL
            // pointed: "server_name:port:original_host:port". (Plain http has no name to verify.)
            let target = try CurlURLParts(self.request.url)
            var named = try CurlURLParts(self.request.url)
            try named.setHost(serverName)
            try self.set(CURLOPT_URL, try named.url())
            let entry = "\(Self.bracketed(serverName)):\(target.port):\(Self.bracketed(target.host)):\(target.port)"
            guard let list = curl_slist_append(nil, entry) else {
                throw CurlError(code: .transport, message: "curl_slist_append failed (out of memory)")
            }
            self.connectToList = list
            try self.check(oms_curl_easy_setopt_slist(self.easy, CURLOPT_CONNECT_TO, list))
        }
    }

    private static func bracketed(_ host: String) -> String {
        host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
    }

    private func configureHeaders() throws(CurlError) {
        var lines: [String] = []
        var hasExpect = false
        var hasContentType = false
        for (name, value) in self.request.headers {
            // "Name:" would tell libcurl to remove the header; "Name;" sends it empty.
            lines.append(value.isEmpty ? "\(name);" : "\(name): \(value)")
            hasExpect = hasExpect || name.lowercased() == "expect"
            hasContentType = hasContentType || name.lowercased() == "content-type"
        }
        if !hasExpect {
            // libcurl sends "Expect: 100-continue" for large bodies and then waits up to a
            // second for the interim response; most servers never send one.
            lines.append("Expect:")
        }
        if self.request.body != nil, !hasContentType {
            // Otherwise libcurl labels every body application/x-www-form-urlencoded.
            lines.append("Content-Type:")
        }
        for line in lines {
            guard let appended = curl_slist_append(self.headerList, line) else {
                throw CurlError(code: .transport, message: "curl_slist_append failed (out of memory)")
            }
            self.headerList = appended
        }
        try self.check(oms_curl_easy_setopt_slist(self.easy, CURLOPT_HTTPHEADER, self.headerList))
    }

    // MARK: Helpers

    private func set(_ option: CURLoption, _ value: Int) throws(CurlError) {
        try self.check(oms_curl_easy_setopt_long(self.easy, option, value))
    }

    /// libcurl copies string options (except POSTFIELDS), so a temporary C string is enough.
    private func set(_ option: CURLoption, _ value: String) throws(CurlError) {
        try self.check(value.withCString { oms_curl_easy_setopt_string(self.easy, option, $0) })
    }

    private func check(_ code: CURLcode) throws(CurlError) {
        guard code == CURLE_OK else {
            throw CurlError(code: .transport, message: "curl_easy_setopt failed: \(String(cString: curl_easy_strerror(code)))")
        }
    }

    /// libcurl takes whole milliseconds and treats 0 as "no timeout", so round up and never
    /// go below 1 ms: a zero or negative deadline fails fast instead of never.
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, seconds > 0 || attoseconds > 0 else { return 1 }
        let cappedSeconds = min(seconds, 1 << 40)
        let fraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return max(1, Int(cappedSeconds) * 1000 + Int(fraction))
    }
}

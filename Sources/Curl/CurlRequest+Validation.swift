import CCurl

extension CurlRequest {
    /// Rejects requests libcurl would misinterpret or that could smuggle extra header lines,
    /// on the caller's task, before anything is queued for the loop thread.
    func validate() throws(CurlError) {
        try self.validateURL(self.url)
        guard Self.isToken(self.method) else {
            throw CurlError(code: .invalidRequest, message: "invalid HTTP method \"\(self.method)\"")
        }
        for header in self.headers {
            guard Self.isToken(header.name) else {
                throw CurlError(code: .invalidRequest, message: "invalid header name \"\(header.name)\"")
            }
            // CR/LF would let a value start a new header line; NUL would truncate the C string.
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw CurlError(code: .invalidRequest, message: "invalid value for header \"\(header.name)\"")
            }
        }
        guard self.maxResponseBytes >= 0 else {
            throw CurlError(code: .invalidRequest, message: "maxResponseBytes must not be negative")
        }
    }

    /// Parses with libcurl's own URL parser so that what we accept is exactly what it will
    /// accept, and checks the scheme here to give a clear error instead of
    /// CURLE_UNSUPPORTED_PROTOCOL later.
    private func validateURL(_ url: String) throws(CurlError) {
        guard !url.utf8.contains(0) else {
            throw CurlError(code: .invalidRequest, message: "URL contains a NUL byte")
        }
        let parts = try CurlURLParts(url)
        guard let scheme = parts.scheme else {
            throw CurlError(code: .invalidRequest, message: "URL has no scheme: \"\(url)\"")
        }
        guard scheme == "http" || scheme == "https" else {
            throw CurlError(code: .invalidRequest, message: "unsupported URL scheme \"\(scheme)\" (only http and https)")
        }
        if let serverName = self.tls.serverName, scheme == "https" {
            // The rewrite the transfer will do, tried here so a bad name fails on the caller.
            var named = try CurlURLParts(url)
            try named.setHost(serverName)
        }
    }

    /// RFC 9110 `token`: the grammar of methods and field names.
    private static func isToken(_ string: String) -> Bool {
        !string.isEmpty && string.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"):
                true
            default:
                "!#$%&'*+-.^_`|~".utf8.contains(byte)
            }
        }
    }
}

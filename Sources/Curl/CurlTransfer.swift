import CCurl

/// Per-request state while a request is attached to the multi handle.
///
/// Lives on the loop thread only: it is created there, libcurl's callbacks (which run inside
/// `curl_multi_perform` on that same thread) mutate it, and the loop thread completes it.
/// libcurl reaches it through CURLOPT_PRIVATE / WRITEDATA / HEADERDATA as an unretained
/// pointer; the strong reference is the `Unmanaged` held by `CurlLoopRunner.active`, which is
/// released exactly once when the transfer leaves that table.
final class CurlTransfer {
    let id: UInt64
    let request: CurlRequest
    /// The easy handle borrowed from `CurlEasyPool` for the duration of the transfer.
    let easy: UnsafeMutableRawPointer

    /// Resumed exactly once; `nil` afterwards.
    private var continuation: CheckedContinuation<Result<CurlResponse, CurlError>, Never>?

    /// libcurl keeps pointers to these until the handle is reset, so they live as long as
    /// the transfer and are freed in `deinit`, after the runner has reset the handle.
    var headerList: UnsafeMutablePointer<curl_slist>?
    /// CURLOPT_CONNECT_TO's one entry when `tls.serverName` names the host to verify.
    var connectToList: UnsafeMutablePointer<curl_slist>?
    let errorBuffer: UnsafeMutablePointer<CChar>

    private var responseHeaders: [(name: String, value: String)] = []
    private var responseBody: [UInt8] = []
    /// Set by the write callback when it refuses data, so the resulting CURLE_WRITE_ERROR
    /// can be reported as `.responseTooLarge` rather than a generic transport failure.
    private var bodyLimitExceeded = false

    init(
        id: UInt64,
        request: CurlRequest,
        easy: UnsafeMutableRawPointer,
        continuation: CheckedContinuation<Result<CurlResponse, CurlError>, Never>
    ) {
        self.id = id
        self.request = request
        self.easy = easy
        self.continuation = continuation
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        precondition(self.continuation == nil, "CurlTransfer released without resuming its caller")
        curl_slist_free_all(self.headerList)
        curl_slist_free_all(self.connectToList)
        self.errorBuffer.deallocate()
    }

    /// Resumes the waiting caller. Safe to call more than once; only the first call counts.
    func complete(_ result: Result<CurlResponse, CurlError>) {
        guard let continuation = self.continuation else { return }
        self.continuation = nil
        continuation.resume(returning: result)
    }

    // MARK: libcurl callbacks (loop thread, inside curl_multi_perform)

    /// CURLOPT_WRITEFUNCTION. Returning anything but `count` makes libcurl abort the
    /// transfer with CURLE_WRITE_ERROR.
    func receiveBody(_ data: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard count > 0, let data else { return count }
        guard self.responseBody.count + count <= self.request.maxResponseBytes else {
            self.bodyLimitExceeded = true
            return 0
        }
        self.responseBody.append(contentsOf: UnsafeRawBufferPointer(start: data, count: count))
        return count
    }

    /// CURLOPT_HEADERFUNCTION: called once per complete header line, for every response
    /// on the way (1xx interim responses, proxy CONNECT replies) and for trailers.
    func receiveHeader(_ data: UnsafeMutablePointer<CChar>?, count: Int) -> Int {
        guard count > 0, let data else { return count }
        var line = UnsafeRawBufferPointer(start: data, count: count)[...]
        while let last = line.last, last == 0x0D || last == 0x0A {
            line = line.dropLast()
        }
        if line.starts(with: "HTTP/".utf8) {
            // A new status line starts a new response: only the final one's fields are kept.
            self.responseHeaders.removeAll(keepingCapacity: true)
        } else if let first = line.first, first == 0x20 || first == 0x09 {
            // Obsolete line folding: the line continues the previous field's value.
            if !self.responseHeaders.isEmpty {
                let continuation = Self.trimmed(line)
                self.responseHeaders[self.responseHeaders.count - 1].value += " " + String(decoding: continuation, as: UTF8.self)
            }
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: line[..<colon], as: UTF8.self)
            let value = String(decoding: Self.trimmed(line[(colon + 1)...]), as: UTF8.self)
            self.responseHeaders.append((name: name, value: value))
        }
        // The blank line ending a header block needs no action.
        return count
    }

    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        var bytes = bytes
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        return bytes
    }

    // MARK: Completion

    /// Turns libcurl's per-transfer result (from CURLMSG_DONE) into what the caller sees.
    func result(for code: CURLcode) -> Result<CurlResponse, CurlError> {
        switch code {
        case CURLE_OK:
            var status = 0
            _ = oms_curl_easy_getinfo_long(self.easy, CURLINFO_RESPONSE_CODE, &status)
            return .success(CurlResponse(status: status, headers: self.responseHeaders, body: self.responseBody))
        case CURLE_OPERATION_TIMEDOUT:
            return .failure(self.error(.timeout, code))
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .failure(self.error(.couldNotConnect, code))
        case CURLE_WRITE_ERROR where self.bodyLimitExceeded, CURLE_FILESIZE_EXCEEDED:
            // FILESIZE_EXCEEDED comes from CURLOPT_MAXFILESIZE_LARGE when Content-Length
            // already announces too much, before any of the body is read.
            let limit = self.request.maxResponseBytes
            return .failure(CurlError(code: .responseTooLarge, message: "response body exceeds \(limit) bytes"))
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .failure(self.error(.invalidRequest, code))
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
             CURLE_SSL_INVALIDCERTSTATUS, CURLE_SSL_CLIENTCERT, CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED,
             CURLE_SSL_ENGINE_INITFAILED, CURLE_USE_SSL_FAILED:
            let failure = self.error(.tls, code)
            return .failure(CurlError(code: .tls, message: "tls: \(failure.message)"))
        default:
            return .failure(self.error(.transport, code))
        }
    }

    /// libcurl's generic text for the code plus the specific detail from CURLOPT_ERRORBUFFER.
    private func error(_ kind: CurlError.Code, _ code: CURLcode) -> CurlError {
        let generic = String(cString: curl_easy_strerror(code))
        let detail = String(cString: self.errorBuffer)
        let message = detail.isEmpty || detail == generic ? generic : "\(generic): \(detail)"
        // The URL is deliberately left out: query strings often carry credentials.
        return CurlError(code: kind, message: message)
    }
}

import CCurl

/// Idle easy handles, kept so each request does not pay for `curl_easy_init` and the
/// handle's own caches (DNS, TLS session IDs) survive between requests. Connections live in
/// the multi handle's cache, not here. Loop thread only.
struct CurlEasyPool: ~Copyable {
    private var idle: [UnsafeMutableRawPointer] = []
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    mutating func take() -> UnsafeMutableRawPointer? {
        self.idle.popLast() ?? curl_easy_init()
    }

    /// The handle must already be detached from the multi handle. `curl_easy_reset` drops
    /// every option, including libcurl's pointers into the finished `CurlTransfer`, so the
    /// transfer may be freed afterwards.
    mutating func recycle(_ easy: UnsafeMutableRawPointer) {
        curl_easy_reset(easy)
        if self.idle.count < self.capacity {
            self.idle.append(easy)
        } else {
            curl_easy_cleanup(easy)
        }
    }

    mutating func drain() {
        for easy in self.idle {
            curl_easy_cleanup(easy)
        }
        self.idle.removeAll()
    }

    deinit {
        precondition(self.idle.isEmpty, "CurlEasyPool dropped without drain()")
    }
}

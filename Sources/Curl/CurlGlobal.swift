import CCurl

/// Process-wide libcurl initialisation.
///
/// `curl_global_init` is not thread-safe and must run once before any other libcurl call;
/// a `static let` is initialised lazily and exactly once (swift_once), so every entry point
/// touches `CurlGlobal.initialized` first.
enum CurlGlobal {
    static let initialized: Bool = oms_curl_global_init_default() == CURLE_OK

    /// Fails loudly rather than letting every request fail obscurely later.
    static func ensureInitialized() {
        precondition(initialized, "curl_global_init(CURL_GLOBAL_DEFAULT) failed")
    }
}

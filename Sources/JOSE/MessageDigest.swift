import COpenSSL

/// The SHA-2 digests JOSE uses, fetched once from the default provider.
///
/// OpenSSL 3 re-fetches a digest by name on every use of the legacy `EVP_sha256()` handles;
/// fetching explicitly once and reusing the object is what `crypto(7)` ("Performance")
/// recommends. A fetched `EVP_MD` is immutable and reference counted, and OpenSSL documents
/// it as safe to share between threads, hence `nonisolated(unsafe)` on these constants.
enum MessageDigest {
    nonisolated(unsafe) static let sha256: OpaquePointer = fetch("SHA2-256")
    nonisolated(unsafe) static let sha384: OpaquePointer = fetch("SHA2-384")
    nonisolated(unsafe) static let sha512: OpaquePointer = fetch("SHA2-512")

    private static func fetch(_ name: String) -> OpaquePointer {
        guard let md = EVP_MD_fetch(nil, name, nil) else {
            // The default provider always has SHA-2; without it nothing here can work.
            fatalError("OpenSSL default provider lacks \(name)\(OpenSSLErrors.drain())")
        }
        return md
    }
}

import COpenSSL

/// HMAC with SHA-2 (RFC 2104, RFC 7518 §3.2) and constant-time tag comparison.
enum HMACSHA2 {
    static func authenticate(
        key: [UInt8], message: UnsafeBufferPointer<UInt8>, digest: OpaquePointer
    ) -> [UInt8]? {
        var tag = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = key.withUnsafeBytes { keyBytes in
            EVPKey.withNonNullBase(message) { data in
                HMAC(digest, keyBytes.baseAddress, Int32(keyBytes.count), data, message.count, &tag, &length)
            }
        }
        guard result != nil else {
            OpenSSLErrors.clear()
            return nil
        }
        tag.removeSubrange(Int(length)...)
        return tag
    }

    /// RFC 7518 §3.2: the full, untruncated tag, compared in constant time (CRYPTO_memcmp) so
    /// timing does not reveal how many leading bytes of a forged tag were right.
    static func verify(
        tag: UnsafeBufferPointer<UInt8>, key: [UInt8], message: UnsafeBufferPointer<UInt8>,
        digest: OpaquePointer
    ) -> Bool {
        guard let expected = authenticate(key: key, message: message, digest: digest),
            expected.count == tag.count, let tagBase = tag.baseAddress
        else { return false }
        return CRYPTO_memcmp(expected, tagBase, expected.count) == 0
    }
}

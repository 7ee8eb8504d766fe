import COpenSSL

/// HMAC-SHA-2 (RFC 2104; RFC 7518 §3.2) over OpenSSL's EVP digests, with constant-time tag
/// comparison.
///
/// Why not `HMAC()`/`EVP_MAC`: in OpenSSL 3 both fetch the MAC and digest implementations by
/// name on every call (two provider-store lookups under a lock), which cost more than the MAC
/// itself on the verification hot path. This is the RFC 2104 construction verbatim on a
/// prefetched `EVP_MD` — the same construction OpenSSL's provider implements — and is checked
/// against Wycheproof and RFC 4231 vectors. Scratch key material lives on the stack and is
/// wiped with `OPENSSL_cleanse`.
enum HMACSHA2 {
    /// Writes the full tag into `tag` (at least `EVP_MAX_MD_SIZE` bytes); returns its length.
    static func authenticate(
        key: UnsafeBufferPointer<UInt8>, message: UnsafeBufferPointer<UInt8>, digest: OpaquePointer,
        into tag: UnsafeMutableBufferPointer<UInt8>
    ) -> Int? {
        let blockSize = Int(EVP_MD_get_block_size(digest))
        let hashSize = Int(EVP_MD_get_size(digest))
        guard blockSize > 0, blockSize <= 128, hashSize > 0, tag.count >= hashSize,
            let context = EVP_MD_CTX_new()
        else { return nil }
        defer { EVP_MD_CTX_free(context) }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * blockSize) { scratch in
            let paddedKey = UnsafeMutableBufferPointer(rebasing: scratch[0..<blockSize])
            let pad = UnsafeMutableBufferPointer(rebasing: scratch[blockSize...])
            defer { OPENSSL_cleanse(scratch.baseAddress, scratch.count) }
            paddedKey.initialize(repeating: 0)
            if key.count > blockSize {
                // RFC 2104 §2: keys longer than the block are hashed first.
                var length: UInt32 = 0
                guard EVPKey.withNonNullBase(key, { EVP_Digest($0, key.count, paddedKey.baseAddress, &length, digest, nil) }) == 1
                else { return nil }
            } else if let base = key.baseAddress {
                paddedKey.baseAddress!.update(from: base, count: key.count)
            }
            var length: UInt32 = 0
            // inner = H((K0 ⊕ ipad) || message)
            for index in 0..<blockSize { pad[index] = paddedKey[index] ^ 0x36 }
            guard EVP_DigestInit_ex(context, digest, nil) == 1,
                EVP_DigestUpdate(context, pad.baseAddress, blockSize) == 1,
                EVPKey.withNonNullBase(message, { EVP_DigestUpdate(context, $0, message.count) }) == 1,
                EVP_DigestFinal_ex(context, tag.baseAddress, &length) == 1
            else { return nil }
            // tag = H((K0 ⊕ opad) || inner)
            for index in 0..<blockSize { pad[index] = paddedKey[index] ^ 0x5C }
            guard EVP_DigestInit_ex(context, digest, nil) == 1,
                EVP_DigestUpdate(context, pad.baseAddress, blockSize) == 1,
                EVP_DigestUpdate(context, tag.baseAddress, Int(length)) == 1,
                EVP_DigestFinal_ex(context, tag.baseAddress, &length) == 1
            else { return nil }
            return Int(length)
        }
    }

    static func authenticate(key: [UInt8], message: UnsafeBufferPointer<UInt8>, digest: OpaquePointer) -> [UInt8]? {
        var tag = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        let length = key.withUnsafeBufferPointer { keyBytes in
            tag.withUnsafeMutableBufferPointer { authenticate(key: keyBytes, message: message, digest: digest, into: $0) }
        }
        guard let length else {
            OpenSSLErrors.clear()
            return nil
        }
        tag.removeSubrange(length...)
        return tag
    }

    /// RFC 7518 §3.2: the full, untruncated tag, compared in constant time (CRYPTO_memcmp) so
    /// timing does not reveal how many leading bytes of a forged tag were right.
    static func verify(
        tag: UnsafeBufferPointer<UInt8>, key: [UInt8], message: UnsafeBufferPointer<UInt8>, digest: OpaquePointer
    ) -> Bool {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(EVP_MAX_MD_SIZE)) { expected in
            let length = key.withUnsafeBufferPointer { authenticate(key: $0, message: message, digest: digest, into: expected) }
            guard let length else {
                OpenSSLErrors.clear()
                return false
            }
            guard length == tag.count, let tagBase = tag.baseAddress else { return false }
            return CRYPTO_memcmp(expected.baseAddress, tagBase, length) == 0
        }
    }
}

import COpenSSL

/// AES-256-GCM (NIST SP 800-38D; RFC 7518 §5.3's `A256GCM`) over OpenSSL's EVP cipher, for
/// values a service hands out and must get back unread and unaltered (a session cookie).
///
/// A sealed box is `nonce (12) ‖ ciphertext ‖ tag (16)`. Every seal draws a fresh random
/// nonce: with 96-bit random nonces one key stays within GCM's bounds for 2³² seals, far more
/// than the cookies a key lives for. `open` checks the tag before any plaintext is returned,
/// and any failure is `nil`: a caller learns nothing about why a box was refused.
public struct AESGCMKey: Sendable {
    public static let keyBytes = 32
    static let nonceBytes = 12
    static let tagBytes = 16
    /// The bytes a box adds to its plaintext.
    public static let overhead = nonceBytes + tagBytes

    private let key: [UInt8]

    public struct KeyError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(bytes: [UInt8]) throws(KeyError) {
        guard bytes.count == Self.keyBytes else {
            throw KeyError(description: "an AES-256-GCM key is \(Self.keyBytes) bytes, not \(bytes.count)")
        }
        key = bytes
    }

    /// `associatedData` is authenticated but not encrypted: a box sealed for one purpose
    /// (a cookie's name) does not open for another.
    public func seal(_ plaintext: [UInt8], associatedData: [UInt8] = []) -> [UInt8] {
        seal(plaintext, associatedData: associatedData, nonce: RandomBytes.make(Self.nonceBytes))
    }

    /// With a given nonce: for the published test vectors only; a nonce must never repeat.
    func seal(_ plaintext: [UInt8], associatedData: [UInt8], nonce: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.nonceBytes + plaintext.count + Self.tagBytes)
        out.replaceSubrange(0..<Self.nonceBytes, with: nonce)
        let ok = out.withUnsafeMutableBufferPointer { buffer in
            crypt(encrypt: true, nonce: nonce, input: plaintext, associatedData: associatedData,
                  output: UnsafeMutableBufferPointer(rebasing: buffer[Self.nonceBytes..<(Self.nonceBytes + plaintext.count)]),
                  tag: UnsafeMutableBufferPointer(rebasing: buffer[(Self.nonceBytes + plaintext.count)...]))
        }
        // AES-GCM from the default provider fails only on memory exhaustion.
        precondition(ok, "AES-256-GCM sealing failed\(OpenSSLErrors.drain())")
        return out
    }

    /// The plaintext, or nil for a box that is too short, altered, or sealed with another key
    /// or other associated data.
    public func open(_ box: [UInt8], associatedData: [UInt8] = []) -> [UInt8]? {
        guard box.count >= Self.overhead else { return nil }
        let nonce = Array(box[0..<Self.nonceBytes])
        let body = Array(box[Self.nonceBytes..<(box.count - Self.tagBytes)])
        var tag = Array(box[(box.count - Self.tagBytes)...])
        var out = [UInt8](repeating: 0, count: body.count)
        let ok = out.withUnsafeMutableBufferPointer { output in
            tag.withUnsafeMutableBufferPointer { tag in
                crypt(encrypt: false, nonce: nonce, input: body, associatedData: associatedData, output: output, tag: tag)
            }
        }
        guard ok else {
            OpenSSLErrors.clear()
            return nil
        }
        return out
    }

    /// One EVP pass. On decryption `tag` is the expected tag, checked by `EVP_DecryptFinal_ex`.
    private func crypt(
        encrypt: Bool, nonce: [UInt8], input: [UInt8], associatedData: [UInt8],
        output: UnsafeMutableBufferPointer<UInt8>, tag: UnsafeMutableBufferPointer<UInt8>
    ) -> Bool {
        guard let context = EVP_CIPHER_CTX_new() else { return false }
        defer { EVP_CIPHER_CTX_free(context) }
        let cipher = Self.cipher
        var length: Int32 = 0
        let enc: Int32 = encrypt ? 1 : 0
        guard EVP_CipherInit_ex(context, cipher, nil, nil, nil, enc) == 1,
              EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_IVLEN, Int32(Self.nonceBytes), nil) == 1,
              EVP_CipherInit_ex(context, nil, nil, key, nonce, enc) == 1
        else { return false }
        if !associatedData.isEmpty {
            guard EVP_CipherUpdate(context, nil, &length, associatedData, Int32(associatedData.count)) == 1 else { return false }
        }
        if !input.isEmpty {
            guard EVP_CipherUpdate(context, output.baseAddress, &length, input, Int32(input.count)) == 1 else { return false }
        }
        if !encrypt {
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagBytes), tag.baseAddress) == 1 else { return false }
        }
        // Decryption: here the tag is checked; a mismatch returns 0 and the output is discarded.
        var scratch = [UInt8](repeating: 0, count: 16)
        guard EVP_CipherFinal_ex(context, &scratch, &length) == 1 else { return false }
        if encrypt {
            guard EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagBytes), tag.baseAddress) == 1 else { return false }
        }
        return true
    }

    /// Fetched once, as `MessageDigest` does for the digests (OpenSSL 3 re-fetches by name
    /// on every use of `EVP_aes_256_gcm()`'s legacy handle).
    nonisolated(unsafe) private static let cipher: OpaquePointer = {
        guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-GCM", nil) else {
            fatalError("OpenSSL default provider lacks AES-256-GCM\(OpenSSLErrors.drain())")
        }
        return cipher
    }()
}

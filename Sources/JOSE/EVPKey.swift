import COpenSSL

/// Owns one OpenSSL `EVP_PKEY*` and frees it on deinit. The pointer never leaves the module.
///
/// `@unchecked Sendable`: the key is fully built before this object exists and is never
/// mutated afterwards; OpenSSL 3 supports concurrent sign/verify operations on one shared
/// `EVP_PKEY` as long as each operation uses its own `EVP_MD_CTX`/`EVP_PKEY_CTX`, which every
/// method here creates per call.
final class EVPKey: @unchecked Sendable {
    enum Kind: Sendable { case rsa, ec, ed25519, other }

    let pointer: OpaquePointer

    /// Takes ownership of `pointer` (one reference).
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    var kind: Kind {
        switch EVP_PKEY_get_base_id(pointer) {
        case EVP_PKEY_RSA: .rsa
        case EVP_PKEY_EC: .ec
        case EVP_PKEY_ED25519: .ed25519
        default: .other
        }
    }

    /// Modulus bits for RSA, group order bits for EC.
    var bits: Int { Int(EVP_PKEY_get_bits(pointer)) }

    /// Maximum signature size in bytes; for RSA exactly the modulus length.
    var maxSignatureSize: Int { Int(EVP_PKEY_get_size(pointer)) }

    var curve: ECCurve? {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(pointer, &name, name.count, &length) == 1 else {
            OpenSSLErrors.clear()
            return nil
        }
        return ECCurve(openSSLGroupName: String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Full public-key validation (EC: on curve, not infinity, right order; RSA: SP 800-56B
    /// public checks such as odd composite modulus and 2^16 < e < 2^256).
    func passesPublicCheck() -> Bool {
        guard let context = EVP_PKEY_CTX_new_from_pkey(nil, pointer, nil) else { return false }
        defer { EVP_PKEY_CTX_free(context) }
        let ok = EVP_PKEY_public_check(context) == 1
        if !ok { OpenSSLErrors.clear() }
        return ok
    }

    // MARK: Signature operations

    /// RSA-PSS settings for RFC 7518 §3.5: MGF1 with the message digest, salt = hash length.
    struct PSS { let saltLength: Int32 }

    /// `EVP_DigestVerify` over `message`. `digest` is nil for Ed25519 (RFC 8032 hashes inside).
    func verify(
        signature: UnsafeBufferPointer<UInt8>, message: UnsafeBufferPointer<UInt8>,
        digest: OpaquePointer?, pss: PSS? = nil
    ) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, digest, nil, pointer) == 1,
            configure(keyContext, digest: digest, pss: pss)
        else {
            OpenSSLErrors.clear()
            return false
        }
        let result = EVPKey.withNonNullBase(signature) { sig in
            EVPKey.withNonNullBase(message) { msg in
                EVP_DigestVerify(context, sig, signature.count, msg, message.count)
            }
        }
        if result != 1 { OpenSSLErrors.clear() }
        return result == 1
    }

    /// `EVP_DigestSign` over `message`; returns the signature in OpenSSL's native encoding
    /// (DER for ECDSA).
    func sign(message: UnsafeBufferPointer<UInt8>, digest: OpaquePointer?, pss: PSS? = nil) throws(JOSEError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw .cryptoFailure("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, digest, nil, pointer) == 1,
            configure(keyContext, digest: digest, pss: pss)
        else { throw .cryptoFailure("cannot initialise signing") }
        var length = maxSignatureSize
        var signature = [UInt8](repeating: 0, count: length)
        let result = EVPKey.withNonNullBase(message) { msg in
            EVP_DigestSign(context, &signature, &length, msg, message.count)
        }
        guard result == 1 else { throw .cryptoFailure("signing failed") }
        signature.removeSubrange(length...)
        return signature
    }

    private func configure(_ keyContext: OpaquePointer?, digest: OpaquePointer?, pss: PSS?) -> Bool {
        guard let pss else { return true }
        return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, digest) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, pss.saltLength) == 1
    }

    /// OpenSSL may reject a NULL pointer even with length 0 (empty payloads are legal).
    static func withNonNullBase<R>(
        _ buffer: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<UInt8>) -> R
    ) -> R {
        if let base = buffer.baseAddress { return body(base) }
        var placeholder: UInt8 = 0
        return withUnsafePointer(to: &placeholder) { body($0) }
    }
}

import COpenSSL

/// Creates `EVPKey`s from JWK components, PEM, or fresh randomness (OpenSSL 3 APIs only:
/// `EVP_PKEY_fromdata`, raw Ed25519 keys, `EVP_PKEY_generate`).
enum EVPKeyBuilder {
    // MARK: Public keys (JWKS)

    static func rsaPublic(modulus: [UInt8], exponent: [UInt8]) throws(JOSEError) -> EVPKey {
        let params = try ParamBuilder()
        try params.bignum("n", bigEndian: modulus)
        try params.bignum("e", bigEndian: exponent)
        return try params.makeKey(type: "RSA", selection: oms_EVP_PKEY_PUBLIC_KEY())
    }

    /// The uncompressed point 04||x||y (SEC 1 §2.3.3); OpenSSL refuses points off the curve.
    static func ecPublic(curve: ECCurve, x: [UInt8], y: [UInt8]) throws(JOSEError) -> EVPKey {
        let params = try ParamBuilder()
        try params.utf8("group", curve.openSSLGroupName)
        try params.octets("pub", [0x04] + x + y)
        return try params.makeKey(type: "EC", selection: oms_EVP_PKEY_PUBLIC_KEY())
    }

    static func ed25519Public(_ x: [UInt8]) throws(JOSEError) -> EVPKey {
        guard let key = x.withUnsafeBufferPointer({
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }) else { throw .invalidKey("OpenSSL rejected the Ed25519 public key" + OpenSSLErrors.drain()) }
        return EVPKey(taking: key)
    }

    // MARK: Private keys (signing)

    struct RSAPrivateComponents {
        var n, e, d, p, q, dp, dq, qi: [UInt8]
    }

    static func rsaPrivate(_ c: RSAPrivateComponents) throws(JOSEError) -> EVPKey {
        let params = try ParamBuilder()
        // Names from OpenSSL's core_names.h (OSSL_PKEY_PARAM_RSA_*).
        for (name, value) in [
            ("n", c.n), ("e", c.e), ("d", c.d), ("rsa-factor1", c.p), ("rsa-factor2", c.q),
            ("rsa-exponent1", c.dp), ("rsa-exponent2", c.dq), ("rsa-coefficient1", c.qi),
        ] {
            try params.bignum(name, bigEndian: value)
        }
        return try params.makeKey(type: "RSA", selection: oms_EVP_PKEY_KEYPAIR())
    }

    static func ecPrivate(curve: ECCurve, x: [UInt8], y: [UInt8], d: [UInt8]) throws(JOSEError) -> EVPKey {
        let params = try ParamBuilder()
        try params.utf8("group", curve.openSSLGroupName)
        try params.octets("pub", [0x04] + x + y)
        try params.bignum("priv", bigEndian: d)
        return try params.makeKey(type: "EC", selection: oms_EVP_PKEY_KEYPAIR())
    }

    static func ed25519Private(_ d: [UInt8]) throws(JOSEError) -> EVPKey {
        guard let key = d.withUnsafeBufferPointer({
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }) else { throw .invalidKey("OpenSSL rejected the Ed25519 private key" + OpenSSLErrors.drain()) }
        return EVPKey(taking: key)
    }

    // MARK: PEM

    /// PKCS#8 (`BEGIN PRIVATE KEY`) or traditional (`BEGIN RSA/EC PRIVATE KEY`) PEM.
    /// Encrypted PEM is refused: the callback declines to supply a passphrase, which also
    /// keeps OpenSSL's default callback from prompting on a terminal inside a server.
    static func privateKey(pem: String) throws(JOSEError) -> EVPKey {
        let bytes = Array(pem.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in -1 }, nil)
        }
        guard let key else {
            throw .invalidKey("not an unencrypted PEM private key" + OpenSSLErrors.drain())
        }
        return EVPKey(taking: key)
    }

    /// PKCS#8 PEM (`BEGIN PRIVATE KEY`), unencrypted.
    static func pkcs8PEM(_ key: EVPKey) throws(JOSEError) -> String {
        try writePEM { PEM_write_bio_PKCS8PrivateKey($0, key.pointer, nil, nil, 0, nil, nil) }
    }

    /// SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`, RFC 5280 §4.1.2.7).
    static func publicKeyPEM(_ key: EVPKey) throws(JOSEError) -> String {
        try writePEM { PEM_write_bio_PUBKEY($0, key.pointer) }
    }

    private static func writePEM(_ write: (OpaquePointer) -> Int32) throws(JOSEError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .cryptoFailure("BIO_new failed") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw .cryptoFailure("cannot write PEM") }
        var data: UnsafeMutablePointer<CChar>?
        let length = oms_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else { throw .cryptoFailure("empty PEM output") }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    // MARK: Generation

    static func generate(for algorithm: JWSAlgorithm) throws(JOSEError) -> EVPKey {
        let type: String
        switch algorithm.family {
        case .rsaPKCS1, .rsaPSS: type = "RSA"
        case .ecdsa: type = "EC"
        case .eddsa: type = "ED25519"
        case .hmac: throw .invalidKey("HMAC keys are random bytes, not key pairs")
        }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw .cryptoFailure("no \(type) key management")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1 else { throw .cryptoFailure("keygen init failed") }
        if algorithm.family == .rsaPKCS1 || algorithm.family == .rsaPSS {
            // RFC 7518 §3.3: 2048 bits or larger.
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, 2048) == 1 else {
                throw .cryptoFailure("cannot set RSA size")
            }
        }
        if let curve = algorithm.curve {
            guard EVP_PKEY_CTX_set_group_name(context, curve.openSSLGroupName) == 1 else {
                throw .cryptoFailure("cannot set curve")
            }
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else {
            throw .cryptoFailure("key generation failed")
        }
        return EVPKey(taking: key)
    }
}

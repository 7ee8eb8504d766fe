import COpenSSL

/// Collects `OSSL_PARAM`s for `EVP_PKEY_fromdata` (OpenSSL 3 key import).
///
/// `OSSL_PARAM_BLD` stores names, strings and BIGNUMs *by reference* until
/// `OSSL_PARAM_BLD_to_param`, so this class owns stable copies of all of them and frees them
/// only in deinit. Secret values we own are wiped (`BN_clear_free`, `OPENSSL_cleanse`).
final class ParamBuilder {
    private let builder: OpaquePointer
    private var bignums: [OpaquePointer] = []
    private var buffers: [UnsafeMutableBufferPointer<UInt8>] = []

    init() throws(JOSEError) {
        guard let builder = OSSL_PARAM_BLD_new() else { throw .cryptoFailure("OSSL_PARAM_BLD_new failed") }
        self.builder = builder
    }

    deinit {
        for bignum in bignums { BN_clear_free(bignum) }
        for buffer in buffers {
            OPENSSL_cleanse(buffer.baseAddress, buffer.count)
            buffer.deallocate()
        }
        OSSL_PARAM_BLD_free(builder)
    }

    /// An unsigned big-endian integer (JWK base64urlUInt, RFC 7518 §2).
    func bignum(_ name: String, bigEndian bytes: [UInt8]) throws(JOSEError) {
        guard let bignum = bytes.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
            throw .cryptoFailure("BN_bin2bn failed")
        }
        bignums.append(bignum)
        guard OSSL_PARAM_BLD_push_BN(builder, stableCString(name), bignum) == 1 else {
            throw .cryptoFailure("cannot add parameter \(name)")
        }
    }

    func utf8(_ name: String, _ value: String) throws(JOSEError) {
        let text = stableCString(value)
        guard OSSL_PARAM_BLD_push_utf8_string(builder, stableCString(name), text, 0) == 1 else {
            throw .cryptoFailure("cannot add parameter \(name)")
        }
    }

    func octets(_ name: String, _ bytes: [UInt8]) throws(JOSEError) {
        let copy = stableCopy(bytes)
        guard OSSL_PARAM_BLD_push_octet_string(builder, stableCString(name), copy.baseAddress, copy.count) == 1 else {
            throw .cryptoFailure("cannot add parameter \(name)")
        }
    }

    /// Imports the collected parameters as a key of `type` ("RSA", "EC").
    func makeKey(type: String, selection: Int32) throws(JOSEError) -> EVPKey {
        guard let params = OSSL_PARAM_BLD_to_param(builder) else {
            throw .cryptoFailure("OSSL_PARAM_BLD_to_param failed")
        }
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, type, nil) else {
            throw .cryptoFailure("no \(type) key management")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &key, selection, params) == 1, let key
        else {
            throw .invalidKey("OpenSSL rejected the \(type) key parameters" + OpenSSLErrors.drain())
        }
        return EVPKey(taking: key)
    }

    private func stableCString(_ text: String) -> UnsafeMutablePointer<CChar> {
        let copy = stableCopy(Array(text.utf8) + [0])
        return UnsafeMutableRawPointer(copy.baseAddress!).assumingMemoryBound(to: CChar.self)
    }

    private func stableCopy(_ bytes: [UInt8]) -> UnsafeMutableBufferPointer<UInt8> {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        _ = buffer.initialize(from: bytes)
        buffers.append(buffer)
        return buffer
    }
}

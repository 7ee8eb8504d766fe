import COpenSSL
import JSON

extension EVPKey {
    /// The public members of this key's JWK (RFC 7518 §6.2.1 EC, §6.3.1 RSA; RFC 8037 §2 OKP).
    func publicJWKMembers() throws(JOSEError) -> [String: JSONValue] {
        switch kind {
        case .rsa:
            return [
                "kty": "RSA",
                "n": .string(Base64URL.encode(try bignumParameter("n", paddedTo: nil))),
                "e": .string(Base64URL.encode(try bignumParameter("e", paddedTo: nil))),
            ]
        case .ec:
            guard let curve else { throw .invalidKey("unsupported EC curve") }
            // RFC 7518 §6.2.1.2: coordinates are the full field size, left-padded with zeros.
            let size = curve.coordinateSize
            return [
                "kty": "EC",
                "crv": .string(curve.rawValue),
                "x": .string(Base64URL.encode(try bignumParameter("qx", paddedTo: size))),
                "y": .string(Base64URL.encode(try bignumParameter("qy", paddedTo: size))),
            ]
        case .ed25519:
            var length = 32
            var raw = [UInt8](repeating: 0, count: length)
            guard EVP_PKEY_get_raw_public_key(pointer, &raw, &length) == 1, length == 32 else {
                throw .cryptoFailure("cannot export Ed25519 public key")
            }
            return ["kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(raw))]
        case .other:
            throw .invalidKey("unsupported key type")
        }
    }

    /// A big-endian integer parameter: minimal length (RFC 7518 §2 base64urlUInt) or padded.
    private func bignumParameter(_ name: String, paddedTo size: Int?) throws(JOSEError) -> [UInt8] {
        var bignum: OpaquePointer?
        guard EVP_PKEY_get_bn_param(pointer, name, &bignum) == 1, let bignum else {
            throw .cryptoFailure("cannot read key parameter \(name)")
        }
        defer { BN_free(bignum) }
        let length = size ?? max((Int(BN_num_bits(bignum)) + 7) / 8, 1)
        var bytes = [UInt8](repeating: 0, count: length)
        guard BN_bn2binpad(bignum, &bytes, Int32(length)) == Int32(length) else {
            throw .cryptoFailure("key parameter \(name) does not fit")
        }
        return bytes
    }
}

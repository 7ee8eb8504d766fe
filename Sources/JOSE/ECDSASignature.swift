import COpenSSL

/// Converts between JOSE's fixed-size ECDSA signature (RFC 7518 §3.4: R || S, each exactly
/// the coordinate size, big-endian) and the DER `ECDSA-Sig-Value` OpenSSL speaks.
enum ECDSASignature {
    /// DER for OpenSSL verification, or nil if the JOSE form is invalid: wrong total length
    /// (this also rejects DER-encoded signatures sent in place of raw ones) or R or S zero.
    static func der(fromRaw raw: UnsafeBufferPointer<UInt8>, coordinateSize size: Int) -> [UInt8]? {
        guard raw.count == 2 * size,
            let r = integer(UnsafeBufferPointer(rebasing: raw[0..<size])),
            let s = integer(UnsafeBufferPointer(rebasing: raw[size..<(2 * size)]))
        else { return nil }
        let bodyLength = r.count + s.count
        // A P-521 body is at most 2 * (2 + 67) = 138 bytes: one length octet (long form if > 127).
        var der: [UInt8] = bodyLength < 0x80 ? [0x30, UInt8(bodyLength)] : [0x30, 0x81, UInt8(bodyLength)]
        der.reserveCapacity(der.count + bodyLength)
        der.append(contentsOf: r)
        der.append(contentsOf: s)
        return der
    }

    /// A DER INTEGER (X.690 §8.3) for an unsigned big-endian value; nil for zero.
    private static func integer(_ magnitude: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let first = magnitude.firstIndex(where: { $0 != 0 }) else { return nil }
        let significant = magnitude[first...]
        let needsSignPad = significant.first! & 0x80 != 0
        var out: [UInt8] = [0x02, UInt8(significant.count + (needsSignPad ? 1 : 0))]
        if needsSignPad { out.append(0) }
        out.append(contentsOf: significant)
        return out
    }

    /// The JOSE form of an OpenSSL DER signature, each half left-padded to `size`.
    static func raw(fromDER der: [UInt8], coordinateSize size: Int) throws(JOSEError) -> [UInt8] {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw .cryptoFailure("cannot parse ECDSA signature") }
        defer { ECDSA_SIG_free(parsed) }
        var raw = [UInt8](repeating: 0, count: 2 * size)
        let ok = raw.withUnsafeMutableBufferPointer { out in
            BN_bn2binpad(ECDSA_SIG_get0_r(parsed), out.baseAddress, Int32(size)) == Int32(size)
                && BN_bn2binpad(ECDSA_SIG_get0_s(parsed), out.baseAddress! + size, Int32(size)) == Int32(size)
        }
        guard ok else { throw .cryptoFailure("ECDSA signature component too large") }
        return raw
    }
}

import JSON

/// Verifies compact JWS/JWT tokens against a configured JWKS and algorithm allow-list.
///
/// Order of work (cheap and strict first, signature before claims parsing):
/// size limit → 3 segments → strict base64url of all segments (rejects non-ASCII) → strict
/// header JSON + header policy → key selection → signature → strict claims JSON.
public struct JWSVerifier: Sendable {
    public let keys: JWKS
    public let algorithms: Set<JWSAlgorithm>
    public let maxTokenBytes: Int

    public init(keys: JWKS, algorithms: Set<JWSAlgorithm>, maxTokenBytes: Int = 16384) {
        self.keys = keys
        self.algorithms = algorithms
        self.maxTokenBytes = maxTokenBytes
    }

    public func verify(_ token: String) throws(JOSEError) -> VerifiedJWS {
        // Checked before touching the content (String.utf8.count is O(1) for native strings).
        try checkSize(token.utf8.count)
        // withUTF8 is free for native strings; it rethrows, so `Result` keeps the typed throw.
        var token = token
        return try token.withUTF8 { bytes in
            Result { () throws(JOSEError) in try verify(bytes: bytes) }
        }.get()
    }

    public func verify(_ token: [UInt8]) throws(JOSEError) -> VerifiedJWS {
        try checkSize(token.count)
        return try token.withUnsafeBufferPointer { bytes in
            Result { () throws(JOSEError) in try verify(bytes: bytes) }
        }.get()
    }

    public func verify(_ token: UnsafeRawBufferPointer) throws(JOSEError) -> VerifiedJWS {
        try checkSize(token.count)
        return try token.withMemoryRebound(to: UInt8.self) { bytes in
            Result { () throws(JOSEError) in try verify(bytes: bytes) }
        }.get()
    }

    func verify(bytes: UnsafeBufferPointer<UInt8>) throws(JOSEError) -> VerifiedJWS {
        let verified = try verifySignature(bytes)
        // RFC 7519 §7.2 step 10: the JWT Claims Set must be a JSON object.
        let claims = try verified.payload.withUnsafeBufferPointer { buffer in
            Result { () throws(JOSEError) in try JOSEJSON.parseObject(buffer, what: "JWT claims") }
        }.get()
        let header = verified.header
        return VerifiedJWS(header: header.fields, algorithm: header.algorithm, keyID: header.keyID, claims: claims)
    }

    /// Everything but the claims: for JWS with non-JSON payloads (test vectors, tools).
    package func verifySignature(_ token: UnsafeBufferPointer<UInt8>) throws(JOSEError) -> (header: JOSEHeader, payload: [UInt8]) {
        try checkSize(token.count)
        let parts = try CompactJWS(splitting: token)
        // Decode all three segments first, so any byte outside the base64url alphabet
        // (including every non-ASCII byte) is reported as malformed before anything else.
        guard let headerBytes = Base64URL.decodeBytes(parts.header) else {
            throw .malformed("header segment is not canonical unpadded base64url")
        }
        guard let payload = Base64URL.decodeBytes(parts.payload) else {
            throw .malformed("payload segment is not canonical unpadded base64url")
        }
        guard let signature = Base64URL.decodeBytes(parts.signature) else {
            throw .malformed("signature segment is not canonical unpadded base64url")
        }
        let header = try headerBytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JOSEError) in try JOSEHeader(decoded: buffer, allowed: algorithms) }
        }.get()
        let outcome = try signature.withUnsafeBufferPointer { signatureBytes in
            Result { () throws(JOSEError) in
                try keys.verifyWithCandidates(keyID: header.keyID, algorithm: header.algorithm) { candidate in
                    candidate.key.verify(signature: signatureBytes, signingInput: parts.signingInput, algorithm: header.algorithm)
                }
            }
        }.get()
        guard outcome.verified else {
            throw JOSEError(.badSignature, "\(header.algorithm.rawValue) signature does not verify with \(outcome.tried) candidate key(s)")
        }
        return (header, payload)
    }

    package func verifySignature(_ token: String) throws(JOSEError) -> (header: JOSEHeader, payload: [UInt8]) {
        try checkSize(token.utf8.count)
        var token = token
        return try token.withUTF8 { bytes in
            Result { () throws(JOSEError) in try verifySignature(bytes) }
        }.get()
    }

    private func checkSize(_ count: Int) throws(JOSEError) {
        guard count <= maxTokenBytes else {
            throw JOSEError(.tooLarge, "token is \(count) bytes; limit is \(maxTokenBytes)")
        }
    }
}

import JSON

/// A JWK Set (RFC 7517 §5): the only source of verification keys.
///
/// Keys are parsed, validated and imported into OpenSSL once, here; verification never builds
/// keys. Header parameters that point elsewhere for keys (`jku`, `x5u`, `jwk`, `x5c`) are never
/// consulted.
public struct JWKS: Sendable {
    public let keys: [JWK]
    /// Human-readable reasons for keys that were ignored (unsupported kty/crv/alg,
    /// `use` != "sig", `key_ops` without "verify", RSA < 2048 bits, oct when not allowed).
    public var skipped: [String]

    private let positionsByKeyID: [String: [Int]]

    /// Parses `{"keys":[…]}` (RFC 7517 §5) or a single JWK object.
    ///
    /// - Parameter allowSymmetric: accept `oct` (HMAC) keys. Off by default: a JWKS is usually
    ///   public, and a public HMAC key lets anyone mint tokens.
    public init(json: [UInt8], allowSymmetric: Bool = false) throws(JOSEError) {
        let root = try json.withUnsafeBufferPointer { buffer in
            Result { () throws(JOSEError) in try JOSEJSON.parseObject(buffer, what: "JWK Set") }
        }.get()
        let objects: [JSONValue]
        if let list = root["keys"] {
            guard let array = list.arrayValue else { throw .invalidKey("JWK Set: \"keys\" is not an array (RFC 7517 §5.1)") }
            objects = array
        } else if root["kty"] != nil {
            objects = [.object(root)]
        } else {
            throw .invalidKey("neither a JWK Set (no \"keys\") nor a JWK (no \"kty\")")
        }
        var keys: [JWK] = []
        var skipped: [String] = []
        for (position, object) in objects.enumerated() {
            guard let members = object.objectValue else { throw .invalidKey("key #\(position) is not a JSON object") }
            switch try JWKParser.parse(members, position: position, allowSymmetric: allowSymmetric) {
            case .key(let key): keys.append(key)
            case .skipped(let reason): skipped.append(reason)
            }
        }
        self.init(keys: keys, skipped: skipped)
    }

    public init(json: String, allowSymmetric: Bool = false) throws(JOSEError) {
        try self.init(json: Array(json.utf8), allowSymmetric: allowSymmetric)
    }

    package init(keys: [JWK], skipped: [String] = []) {
        self.keys = keys
        self.skipped = skipped
        var index: [String: [Int]] = [:]
        for (position, key) in keys.enumerated() {
            if let kid = key.kid { index[kid, default: []].append(position) }
        }
        self.positionsByKeyID = index
    }

    public func containsKey(id: String) -> Bool {
        positionsByKeyID[id] != nil
    }

    /// Runs `verify` on each key that may verify a token with this `kid`/`alg` until one
    /// succeeds; returns whether one did and how many were tried.
    ///
    /// With a `kid`, only keys carrying exactly that `kid` are considered (RFC 7515 §4.1.4);
    /// without one, every key compatible with the algorithm is tried.
    func verifyWithCandidates(
        keyID: String?, algorithm: JWSAlgorithm, _ verify: (JWK) -> Bool
    ) throws(JOSEError) -> (verified: Bool, tried: Int) {
        var tried = 0
        if let keyID {
            guard let positions = positionsByKeyID[keyID] else {
                throw JOSEError(.unknownKey, "no key with kid \(Quoted(keyID))")
            }
            for position in positions where keys[position].canVerify(algorithm) {
                tried += 1
                if verify(keys[position]) { return (true, tried) }
            }
            if tried == 0 {
                throw JOSEError(.keyMismatch, "key \(Quoted(keyID)) cannot verify \(algorithm.rawValue) (key type, curve or JWK alg differs)")
            }
        } else {
            for key in keys where key.canVerify(algorithm) {
                tried += 1
                if verify(key) { return (true, tried) }
            }
            if tried == 0 {
                throw JOSEError(.unknownKey, "no configured key can verify \(algorithm.rawValue)")
            }
        }
        return (false, tried)
    }
}

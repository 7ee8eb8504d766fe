import JOSE
import JSON

/// The keys the token builders may use: the issuer's test key when the suite was given one,
/// the published key the valid token names (from the JWKS), and a stranger's key made here.
public struct ForgeKeys: Sendable {
    /// The issuer's private key, PEM, and the algorithm and `kid` it signs with.
    public struct Issuer: Sendable {
        public let privateKeyPEM: String
        public let algorithm: JWSAlgorithm
        public let keyID: String

        public init(privateKeyPEM: String, algorithm: JWSAlgorithm, keyID: String) {
            self.privateKeyPEM = privateKeyPEM
            self.algorithm = algorithm
            self.keyID = keyID
        }
    }

    public let issuer: Issuer?
    /// The JWKS entry of the valid token's `kid` (or the only key), and its JSON text.
    let published: JWK?
    let publishedJSON: String?
    /// A key pair of the valid token's algorithm that nobody published.
    let stranger: SigningKeyPair?
    let strangerKeyID: String

    public struct Invalid: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// - Parameter jwks: the JWKS document's bytes, when the suite has it.
    public init(issuer: Issuer?, jwks: [UInt8]?, template: TokenTemplate) throws(Invalid) {
        self.issuer = issuer
        if let issuer {
            // Check the key once here, so that a wrong key is a usage error, not sixty failures.
            do {
                _ = try JWSSigner(privateKeyPEM: issuer.privateKeyPEM, algorithm: issuer.algorithm, keyID: issuer.keyID)
            } catch {
                throw Invalid(description: "the signing key does not fit \(issuer.algorithm.rawValue): \(error)")
            }
        }
        var published: JWK?
        var publishedJSON: String?
        if let jwks {
            guard let document = try? StrictJSON.parse(jwks), let entries = document["keys"]?.arrayValue else {
                throw Invalid(description: "the JWKS is not a JSON object with a keys list")
            }
            let match = entries.first { $0["kid"]?.stringValue == template.keyID } ?? (entries.count == 1 ? entries.first : nil)
            if let match {
                publishedJSON = String(decoding: match.serializedBytes(), as: UTF8.self)
                published = try? JWK(json: match.serializedBytes())
            }
        }
        self.published = published
        self.publishedJSON = publishedJSON
        self.strangerKeyID = template.keyID ?? "attacker"
        self.stranger = JWSAlgorithm(rawValue: template.algorithm).flatMap { $0.rawValue.hasPrefix("HS") ? nil : try? SigningKeyPair.generate(algorithm: $0) }
    }

    /// The stranger's public key as a JWKS document (what the attacker's key server serves).
    var strangerJWKS: [UInt8] {
        // Under the valid token's kid: a gateway that trusts jku looks the kid up in it.
        let key = stranger?.publicJWK(keyID: strangerKeyID)
        return JSONValue.object(["keys": .array(key.map { [$0] } ?? [])]).serializedBytes()
    }

    /// A signer with the issuer's key under `algorithm` (default its own).
    func issuerSigner(_ algorithm: String?) throws(ForgeError) -> JWSSigner {
        guard let issuer else { throw ForgeError.needs("the issuer's signing key (--signing-key, --kid, --alg)") }
        let name = algorithm ?? issuer.algorithm.rawValue
        guard let chosen = JWSAlgorithm(rawValue: name) else { throw ForgeError.needs("an algorithm the suite can sign with, not \(name)") }
        do {
            return try JWSSigner(privateKeyPEM: issuer.privateKeyPEM, algorithm: chosen, keyID: issuer.keyID)
        } catch {
            throw ForgeError.needs("an issuer key that can sign \(name)")
        }
    }
}

/// Why a token cannot be built for this gateway: the case is skipped with this reason.
enum ForgeError: Error, Sendable, Equatable {
    case needs(String)

    var reason: String {
        switch self {
        case .needs(let what): "needs \(what)"
        }
    }
}

import JOSE
import JSON

/// Builds a case's token from the valid one: members set or removed, a segment replaced by
/// literal text, signed one way or another, laid out in one form or another. Only the defect
/// the case is about differs from a token the gateway would accept.
struct TokenForge: Sendable {
    let template: TokenTemplate
    let keys: ForgeKeys
    /// `{{name}}` values (see `TokenTemplate.placeholders`).
    let placeholders: [String: String]
    let now: Int64
    let leeway: Int64

    /// What was built: the token text, and the header and claims it carries (for the report).
    struct Forged: Sendable {
        let token: String
        let header: String
        let claims: String
    }

    func build(_ recipe: TokenRecipe) throws(ForgeError) -> Forged {
        if let raw = recipe.raw {
            let token = Templates.fill(raw, placeholders)
            return Forged(token: token, header: "", claims: "")
        }
        let (headerBytes, claimsBytes) = try content(recipe)
        let encode: ([UInt8]) -> String = switch recipe.form {
        case .padded: { Self.padded(Base64URL.encode($0)) }
        case .standardBase64: { Self.standard(Base64URL.encode($0)) }
        default: { Base64URL.encode($0) }
        }
        let headerSegment = recipe.changesContent ? encode(headerBytes) : template.segments.header
        let payloadSegment = recipe.changesContent ? encode(claimsBytes) : template.segments.payload
        let signingInput = Array((headerSegment + "." + payloadSegment).utf8)
        let signature = encode(try sign(recipe, signingInput: signingInput, unchanged: !recipe.changesContent))
        let token: String = switch recipe.form {
        case .compact, .padded, .standardBase64: "\(headerSegment).\(payloadSegment).\(signature)"
        case .twoSegments: "\(headerSegment).\(payloadSegment)"
        case .fourSegments: "\(headerSegment).\(payloadSegment).\(signature).e30"
        case .jwe: "\(headerSegment).\(payloadSegment).\(signature).AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"
        case .spaceInside: "\(headerSegment).\(payloadSegment.prefix(payloadSegment.count / 2)) \(payloadSegment.dropFirst(payloadSegment.count / 2)).\(signature)"
        case .trailingDot: "\(headerSegment).\(payloadSegment).\(signature)."
        case .empty: ""
        }
        return Forged(token: token, header: String(decoding: headerBytes, as: UTF8.self), claims: String(decoding: claimsBytes, as: UTF8.self))
    }

    /// The header and payload bytes: literal text, or the valid members changed.
    private func content(_ recipe: TokenRecipe) throws(ForgeError) -> ([UInt8], [UInt8]) {
        var header = template.header
        for name in recipe.removeHeader { header.removeValue(forKey: name) }
        for (name, value) in recipe.setHeader { header[name] = resolve(value) }
        var claims = template.claims
        for name in recipe.removeClaims { claims.removeValue(forKey: name) }
        for (name, value) in recipe.setClaims { claims[name] = resolve(value) }
        if let depth = recipe.nestClaims {
            // Built as text: a value this deep is exactly what the gateway's parser must refuse
            // without recursing.
            var text = JSONValue.object(claims).serializedBytes()
            text.removeLast()
            text += Array(",\"deep\":".utf8) + [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth) + [UInt8(ascii: "}")]
            let headerBytes = recipe.headerJSON.map { Array(Templates.fill($0, placeholders).utf8) } ?? JSONValue.object(header).serializedBytes()
            return (headerBytes, text)
        }
        if let size = recipe.padClaimsTo {
            let base = JSONValue.object(claims).serializedBytes().count
            claims["pad"] = .string(String(repeating: "x", count: max(size - base - 9, 1)))
        }
        if recipe.form == .standardBase64 {
            // Make sure the standard alphabet shows: a claim whose encoding holds '/' or '+'.
            for count in 1...6 where !Self.standard(Base64URL.encode(JSONValue.object(claims).serializedBytes())).contains(where: { $0 == "/" || $0 == "+" }) {
                claims["q"] = .string(String(repeating: "?", count: count * 3))
            }
        }
        let headerBytes = recipe.headerJSON.map { Array(Templates.fill($0, placeholders).utf8) } ?? JSONValue.object(header).serializedBytes()
        let claimsBytes = recipe.claimsJSON.map { Array(Templates.fill($0, placeholders).utf8) } ?? JSONValue.object(claims).serializedBytes()
        return (headerBytes, claimsBytes)
    }

    /// `{"$now": N, "$leeway": M}` becomes the number now + N + M × leeway;
    /// `{"$scope_list": true}` the valid scopes as a list; `{"$stranger_jwk": true}` the public
    /// JWK of the stranger's key; text has its placeholders filled in; lists and mappings are
    /// resolved member by member.
    private func resolve(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members) where members["$scope_list"] != nil:
            return .array(template.scopes.map(JSONValue.string))
        case .object(let members) where members["$stranger_jwk"] != nil:
            return keys.stranger?.publicJWK(keyID: template.keyID ?? "stranger") ?? .null
        case .object(let members) where members["$now"] != nil:
            let offset = members["$now"]?.numberValue ?? 0
            let leeways = members["$leeway"]?.numberValue ?? 0
            return .number(Double(now) + offset + leeways * Double(leeway))
        case .object(let members): return .object(members.mapValues(resolve))
        case .array(let items): return .array(items.map(resolve))
        case .string(let text): return .string(Templates.fill(text, placeholders))
        default: return value
        }
    }

    private func sign(_ recipe: TokenRecipe, signingInput: [UInt8], unchanged: Bool) throws(ForgeError) -> [UInt8] {
        switch recipe.signing {
        case .keep: return template.signature
        case .none: return []
        case .key(let algorithm): return try issuerSignature(algorithm, signingInput)
        case .hmacPublicPEM, .hmacPublicJWK:
            guard let published = keys.published else { throw ForgeError.needs("the JWKS (--jwks) with the valid token's key") }
            let secret: String?
            if recipe.signing == .hmacPublicPEM {
                secret = try? published.publicKeyPEM()
            } else {
                secret = keys.publishedJSON
            }
            guard let secret else { throw ForgeError.needs("a public key (not an HMAC key) in the JWKS") }
            // The case's header names the HMAC algorithm; HS256 when it names none.
            let named = JWSAlgorithm(rawValue: resolve(recipe.setHeader["alg"] ?? .null).stringValue ?? "")
            let algorithm: JWSAlgorithm = [JWSAlgorithm.hs256, .hs384, .hs512].first { $0 == named } ?? .hs256
            return try hmac(secret: Array(secret.utf8), algorithm: algorithm, signingInput)
        case .zeroECDSA:
            guard let size = keys.published?.ecdsaCoordinateSize ?? Self.coordinateSize(template.algorithm) else {
                throw ForgeError.needs("an ECDSA issuer (ES256, ES384 or ES512)")
            }
            return [UInt8](repeating: 0, count: 2 * size)
        case .derECDSA:
            guard let size = Self.coordinateSize(template.algorithm) else { throw ForgeError.needs("an ECDSA issuer (ES256, ES384 or ES512)") }
            let raw = unchanged ? template.signature : try issuerSignature(nil, signingInput)
            guard let der = ecdsaDER(fromRaw: raw, coordinateSize: size) else { throw ForgeError.needs("a valid ECDSA signature to re-encode") }
            return der
        case .truncate, .extend, .flip:
            var signature = unchanged ? template.signature : try issuerSignature(nil, signingInput)
            switch recipe.signing {
            case .truncate: signature.removeLast()
            case .extend: signature.append(0)
            default: signature[signature.count / 2] ^= 0x01
            }
            return signature
        case .stranger:
            guard let stranger = keys.stranger else { throw ForgeError.needs("an asymmetric algorithm in the valid token") }
            do {
                return try stranger.signer(keyID: template.keyID).signature(over: signingInput)
            } catch {
                throw ForgeError.needs("a stranger key for \(template.algorithm)")
            }
        case .random:
            return (0..<max(template.signature.count, 1)).map { _ in UInt8.random(in: 0...255) }
        }
    }

    private func issuerSignature(_ algorithm: String?, _ signingInput: [UInt8]) throws(ForgeError) -> [UInt8] {
        let signer = try keys.issuerSigner(algorithm)
        do {
            return try signer.signature(over: signingInput)
        } catch {
            throw ForgeError.needs("an issuer key that can sign \(signer.algorithm.rawValue)")
        }
    }

    private func hmac(secret: [UInt8], algorithm: JWSAlgorithm, _ signingInput: [UInt8]) throws(ForgeError) -> [UInt8] {
        do {
            return try JWSSigner(hmacKey: secret, algorithm: algorithm, keyID: nil).signature(over: signingInput)
        } catch {
            throw ForgeError.needs("an HMAC secret of at least the hash size")
        }
    }

    static func coordinateSize(_ algorithm: String) -> Int? {
        switch algorithm {
        case "ES256": 32
        case "ES384": 48
        case "ES512": 66
        default: nil
        }
    }

    static func padded(_ text: String) -> String {
        text + String(repeating: "=", count: (4 - text.count % 4) % 4)
    }

    static func standard(_ text: String) -> String {
        String(text.map { $0 == "-" ? "+" : $0 == "_" ? "/" : $0 })
    }
}

/// `{{name}}` substitution; an unknown name stays as written.
enum Templates {
    static func fill(_ text: String, _ values: [String: String]) -> String {
        guard text.contains("{{") else { return text }
        var out = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = String(rest[open.upperBound..<close.lowerBound])
            out += values[name] ?? "{{\(name)}}"
            rest = rest[close.upperBound...]
        }
        return out + rest
    }
}

@testable import Conformance
import Foundation
import JOSE
import JSON
import Testing

/// The token builders on the published RFC 7520 examples: what they keep is byte for byte the
/// original, and what they sign matches the RFC's own deterministic signature.
@Suite struct ForgeTests {
    static let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("JOSETests/Vectors/rfc7520")

    static func vector(_ name: String) throws -> JSONValue {
        try StrictJSON.parse(Array(Data(contentsOf: vectors.appendingPathComponent(name))))
    }

    static func forge(_ file: String, issuer: ForgeKeys.Issuer? = nil, now: Int64 = 1_000, leeway: Int64 = 30) throws -> (TokenForge, String) {
        let compact = try #require(try vector(file)["output"]?["compact"]?.stringValue)
        let template = try TokenTemplate(token: compact, claimsRequired: false)
        let keys = try ForgeKeys(issuer: issuer, jwks: nil, template: template)
        return (TokenForge(template: template, keys: keys, placeholders: template.placeholders(path: "/p", now: now), now: now, leeway: leeway), compact)
    }

    static func rsaIssuer() throws -> ForgeKeys.Issuer {
        let key = try #require(try vector("3_4.rsa_private_key.json").objectValue)
        return ForgeKeys.Issuer(privateKeyPEM: try pkcs8PEM(privateJWK: key, algorithm: .rs256), algorithm: .rs256, keyID: "bilbo.baggins@hobbiton.example")
    }

    static func recipe(_ change: (inout TokenRecipe) -> Void) -> TokenRecipe {
        var recipe = TokenRecipe()
        change(&recipe)
        return recipe
    }

    /// RFC 7520 §4.1 (RS256, deterministic): kept as is, and re-signed with the RFC's key, the
    /// token is exactly the RFC's.
    @Test func rs256KeptAndResignedIsTheRFCToken() throws {
        let (forge, compact) = try Self.forge("4_1.rsa_v15_signature.json", issuer: try Self.rsaIssuer())
        #expect(try forge.build(TokenRecipe()).token == compact)
        #expect(try forge.build(Self.recipe { $0.signing = .key(algorithm: nil) }).token == compact)
        // One bit flipped, one byte short or long: only the signature differs.
        let parts = compact.split(separator: ".").map(String.init)
        for (signing, length) in [(TokenRecipe.Signing.flip, 256), (.truncate, 255), (.extend, 257)] {
            let forged = try forge.build(Self.recipe { $0.signing = signing }).token.split(separator: ".").map(String.init)
            #expect(Array(forged.prefix(2)) == Array(parts.prefix(2)))
            #expect(forged[2] != parts[2])
            #expect(Base64URL.decode(forged[2])?.count == length, "\(signing)")
        }
        // PS256 with the same key: a valid PSS signature (checked by OpenSSL through the JWKS).
        let pss = try forge.build(Self.recipe { $0.setHeader = ["alg": "PS256"]; $0.signing = .key(algorithm: "PS256") })
        let publicKey = try #require(try Self.vector("3_3.rsa_public_key.json").objectValue)
        let jwks = try JWKS(json: JSONValue.object(["keys": .array([.object(publicKey)])]).serializedBytes())
        #expect(throws: Never.self) { try JWSVerifier(keys: jwks, algorithms: [.ps256]).verify(pss.token) }
        #expect(throws: JOSEError.self, "RS256 does not verify a PSS signature") {
            try JWSVerifier(keys: jwks, algorithms: [.rs256]).verify(try forge.build(Self.recipe { $0.signing = .key(algorithm: "PS256") }).token)
        }
    }

    /// RFC 7520 §4.3 (ES512): R || S re-encoded as DER, and the all-zero signature of P-521's size.
    @Test func es512DerAndZero() throws {
        let (forge, compact) = try Self.forge("4_3.ecdsa_signature.json")
        let raw = try #require(Base64URL.decode(compact.split(separator: ".")[2]))
        #expect(raw.count == 132)
        let der = try #require(Base64URL.decode(try forge.build(Self.recipe { $0.signing = .derECDSA }).token.split(separator: ".")[2]))
        #expect(der.first == 0x30)
        // SEQUENCE { INTEGER r, INTEGER s }, each the RFC's half without its leading zeros.
        let body = der[(der[1] == 0x81 ? 3 : 2)...]
        let rLength = Int(body[body.startIndex + 1])
        let r = Array(body[(body.startIndex + 2)..<(body.startIndex + 2 + rLength)]).drop { $0 == 0 }
        #expect(Array(r) == Array(raw[0..<66].drop { $0 == 0 }))
        let zero = try #require(Base64URL.decode(try forge.build(Self.recipe { $0.signing = .zeroECDSA }).token.split(separator: ".")[2]))
        #expect(zero == [UInt8](repeating: 0, count: 132))
    }

    @Test func formsChangeOnlyTheLayout() throws {
        let (forge, compact) = try Self.forge("4_1.rsa_v15_signature.json", issuer: try Self.rsaIssuer())
        func build(_ form: TokenRecipe.Form) throws -> String { try forge.build(Self.recipe { $0.form = form }).token }
        #expect(try build(.twoSegments).split(separator: ".", omittingEmptySubsequences: false).count == 2)
        #expect(try build(.fourSegments).split(separator: ".", omittingEmptySubsequences: false).count == 4)
        #expect(try build(.jwe).split(separator: ".", omittingEmptySubsequences: false).count == 5)
        #expect(try build(.trailingDot) == compact + ".")
        #expect(try build(.empty) == "")
        #expect(try build(.spaceInside).contains(" "))
        let padded = try build(.padded)
        #expect(padded.split(separator: ".").allSatisfy { $0.count % 4 == 0 } && padded.contains("="))
        let standard = try build(.standardBase64)
        #expect(standard.contains { $0 == "+" || $0 == "/" } && !standard.contains { $0 == "-" || $0 == "_" })
    }

    @Test func timesPlaceholdersAndLiteralSegments() throws {
        let (forge, _) = try Self.forge("4_1.rsa_v15_signature.json", issuer: try Self.rsaIssuer(), now: 1_000, leeway: 30)
        let timed = try forge.build(Self.recipe { $0.setClaims = ["exp": ["$now": -10, "$leeway": 2], "who": "{{kid}}!"] })
        let claims = try StrictJSON.parse(Array(timed.claims.utf8))
        #expect(claims["exp"] == 1_050)
        #expect(claims["who"] == "bilbo.baggins@hobbiton.example!")
        let literal = try forge.build(Self.recipe { $0.headerJSON = #"{ {{header_members}},"alg":"none"}"# })
        #expect(literal.header == #"{ "alg":"RS256","kid":"bilbo.baggins@hobbiton.example","alg":"none"}"#)
        let raw = try forge.build(Self.recipe { $0.raw = "{{header}}.." })
        #expect(raw.token == "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9..")
        #expect(Templates.fill("{{unknown}} {{kid", ["kid": "k"]) == "{{unknown}} {{kid")
    }

    /// What a case needs and the gateway did not give is a skip with the reason, not a failure.
    @Test func missingKeysAreSkipReasons() throws {
        let (forge, _) = try Self.forge("4_1.rsa_v15_signature.json")
        #expect(throws: ForgeError.needs("the issuer's signing key (--signing-key, --kid, --alg)")) {
            try forge.build(Self.recipe { $0.setClaims = ["sub": "x"]; $0.signing = .key(algorithm: nil) })
        }
        #expect(throws: ForgeError.needs("an ECDSA issuer (ES256, ES384 or ES512)")) { try forge.build(Self.recipe { $0.signing = .zeroECDSA }) }
        #expect(throws: ForgeError.needs("the JWKS (--jwks) with the valid token's key")) { try forge.build(Self.recipe { $0.signing = .hmacPublicPEM }) }
    }

    @Test func reportsNeverHoldATokenWhole() {
        let valid = "aaaaaaaaaaaaaaaaaaaa.bbbbbbbbbbbbbbbbbbbb.cccccccccccccccccccc"
        let forged = valid + "x"
        #expect(CaseRunner.redacted("Bearer \(forged)", token: forged, valid: valid) == "Bearer <token: 63 bytes>")
        #expect(CaseRunner.redacted("{\"a\":\"Bearer \(valid)\"}", token: forged, valid: valid) == "{\"a\":\"Bearer <token: 62 bytes>\"}")
    }
}

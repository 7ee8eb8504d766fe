import Testing
@testable import AuthService

@Suite struct BearerTokenTests {
    func extract(_ headers: [String], max: Int = 100) -> Result<String, DenyReason> {
        BearerToken.extract(from: headers, maxBytes: max)
    }

    @Test func acceptsBearerInAnyCase() throws {
        #expect(try extract(["Bearer abc.def.ghi"]).get() == "abc.def.ghi")
        #expect(try extract(["bearer abc.def.ghi"]).get() == "abc.def.ghi")
        #expect(try extract(["BEARER   abc.def.ghi"]).get() == "abc.def.ghi")
    }

    @Test func refusesWithTheRightReason() {
        #expect(extract([]) == .failure(.missingToken))
        #expect(extract([""]) == .failure(.missingToken))
        #expect(extract(["Bearer "]) == .failure(.badScheme))
        #expect(extract(["Bearer    "]) == .failure(.missingToken))
        #expect(extract(["Basic dXNlcjpwYXNz"]) == .failure(.badScheme))
        #expect(extract(["Bearerabc.def.ghi"]) == .failure(.badScheme))
        #expect(extract(["Bearer a.b.c", "Bearer d.e.f"]) == .failure(.duplicateAuthorization))
        #expect(extract(["Bearer " + String(repeating: "a", count: 101)]) == .failure(.tokenTooLarge))
        #expect(extract(["Bearer a.b.c\r\nX-Evil: 1"]) == .failure(.malformed))
        #expect(extract(["Bearer a.b.c d"]) == .failure(.malformed))
        #expect(extract(["Bearer a.b.\u{00e9}"]) == .failure(.malformed))
    }

    @Test func shapeCheckBeforeOIDM() {
        #expect(BearerToken.looksLikeJWS("aGVhZA.cGF5bG9hZA.c2ln"))
        #expect(BearerToken.looksLikeJWS("aGVhZA.cGF5bG9hZA."))
        #expect(!BearerToken.looksLikeJWS("aGVhZA.cGF5bG9hZA"))
        #expect(!BearerToken.looksLikeJWS("a.b.c.d.e"))
        #expect(!BearerToken.looksLikeJWS("a+b.c/d.e"))
        #expect(!BearerToken.looksLikeJWS("a.b.c="))
    }
}

/// The one-pass form the decision uses answers exactly what the two checks answer in turn.
@Suite struct OnePassBearerTokenTests {
    @Test(arguments: [
        [], [""], ["Bearer"], ["Bearer "], ["Basic abc"], ["Bearerx a.b.c"], ["bearer aGVhZA.cGF5bG9hZA.c2ln"],
        ["Bearer aGVhZA.cGF5bG9hZA.c2ln"], ["Bearer    aGVhZA.cGF5bG9hZA."], ["Bearer aGVhZA.cGF5bG9hZA"], ["Bearer a.b.c.d.e"],
        ["Bearer a+b.c/d.e"], ["Bearer a.b.c="], ["Bearer a~b.c.d"], ["Bearer a.b.c d"], ["Bearer a.b.\u{7F}"], ["Bearer é.b.c"],
        ["Bearer a.b.c", "Bearer a.b.c"], ["Bearer " + String(repeating: "a", count: 40) + ".b.c"],
    ])
    func agreesWithExtractThenShape(_ headers: [String]) {
        let max = 32
        let twoPass: Result<String, DenyReason> = switch BearerToken.extract(from: headers, maxBytes: max) {
        case .failure(let reason): .failure(reason)
        case .success(let token): BearerToken.looksLikeJWS(token) ? .success(token) : .failure(.malformed)
        }
        #expect(BearerToken.jws(from: headers, maxBytes: max).map(String.init) == twoPass, "\(headers)")
    }
}

import EdgeRuntime
import Testing
@testable import AuthService

/// How OIDM's answers are read (ARCHITECTURE.md, "Auth service").
@Suite struct OIDMVerdictTests {
    func verdict(_ status: Int, _ body: String) -> OIDMVerdict {
        OIDMClient.verdict(status: status, body: Array(body.utf8))
    }

    @Test func a200WithAJSONObjectIsValidUnlessItSaysOtherwise() {
        #expect(verdict(200, "{}") == .valid)
        #expect(verdict(200, "{\"sub\":\"alice\",\"active\":true}") == .valid)
        #expect(verdict(200, "{\"successful\":true}") == .valid)
        #expect(verdict(200, "{\"active\":false}") == .invalid)
        #expect(verdict(200, "{\"successful\":false,\"sub\":\"alice\"}") == .invalid)
    }

    @Test func a200ThatIsNotAJSONObjectIsInvalid() {
        for body in ["", "[]", "true", "\"ok\"", "<html>ok</html>", "{\"a\":1,\"a\":2}", "{} trailing"] {
            #expect(verdict(200, body) == .invalid, "\(body)")
        }
    }

    @Test func refusalsAreInvalidAndFaultsAreUnavailable() {
        for status in [400, 401, 403, 404] { #expect(verdict(status, "{}") == .invalid, "\(status)") }
        for status in [302, 429, 500, 502, 503, 504] {
            #expect(!verdict(status, "{}").isAnswer, "\(status)")
        }
    }

    @Test func a400ThatIsNotOIDMsJSONIsAFaultNotAVerdict() {
        #expect(verdict(400, "{\"errorCode\":\"OAMRS-10001\",\"errorDesc\":\"invalid\"}") == .invalid)
        for body in ["", "<html><head><title>400 No required SSL certificate was sent</title></head></html>", "[]"] {
            #expect(!verdict(400, body).isAnswer, "\(body)")
        }
    }

    @Test func formEncodingKeepsOnlyUnreservedCharacters() {
        #expect(FormFields.encode("a.b_c-d~e") == "a.b_c-d~e")
        #expect(FormFields.encode("a+b/c=&d e") == "a%2Bb%2Fc%3D%26d%20e")
        #expect(FormFields.encode("é") == "%C3%A9")
    }
}

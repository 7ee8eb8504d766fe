import JOSE
import JSON
import Testing

/// Protected-header policy (RFC 7515 §4.1) and strict JSON in header and payload.
@Suite("Rejection: header and JSON")
struct HeaderRejectionTests {
    static func token(header: [String: JSONValue]) throws -> String {
        var full = header
        full["alg"] = "RS256"
        full["kid"] = "rsa-1"
        return try Fixtures.rsaSigner.sign(payload: Array(JSONValue.object(Fixtures.claims).serialized().utf8), header: full)
    }

    static func verify(_ token: String) throws { _ = try Fixtures.verifier().verify(token) }

    @Test("crit is refused: no extension is understood (RFC 7515 §4.1.11)", arguments: [
        ["exp"] as JSONValue, ["b64"], [], "exp", 1, nil, ["http://example.com/ext"],
    ])
    func crit(_ value: JSONValue) throws {
        let token = try Self.token(header: ["crit": value, "exp": 1])
        expectRejection(.unsupportedHeader, "crit \(value.serialized())") { try Self.verify(token) }
    }

    @Test("b64 (RFC 7797) is refused, whether false or true")
    func b64() throws {
        for value: JSONValue in [false, true] {
            let token = try Self.token(header: ["b64": value, "crit": ["b64"]])
            expectRejection(.unsupportedHeader) { try Self.verify(token) }
            let withoutCrit = try Self.token(header: ["b64": value])
            expectRejection(.unsupportedHeader) { try Self.verify(withoutCrit) }
        }
    }

    @Test("JWE header parameters and JWE's 5 segments are refused")
    func jwe() throws {
        expectRejection(.unsupportedHeader) { try Self.verify(try Self.token(header: ["enc": "A256GCM"])) }
        expectRejection(.unsupportedHeader) { try Self.verify(try Self.token(header: ["zip": "DEF"])) }
        let jwe = "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGeipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDbSv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaVmqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je81860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi6UklfCpIMfIjf7iGdXKHzg.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ"
        expectRejection(.unsupportedHeader) { try Self.verify(jwe) }
    }

    @Test("nested JWTs (cty JWT, RFC 7519 §5.2) are refused; other cty values pass")
    func nested() throws {
        for cty in ["JWT", "jwt", "Jwt", "application/jwt", "APPLICATION/JWT"] {
            expectRejection(.unsupportedHeader, "\(cty)") { try Self.verify(try Self.token(header: ["cty": .string(cty)])) }
        }
        try Self.verify(try Self.token(header: ["cty": "application/json", "typ": "JWT"]))
        expectRejection(.malformed) { try Self.verify(try Self.token(header: ["cty": 1])) }
    }

    @Test("kid must be a string")
    func kidType() throws {
        let token = try Fixtures.rawToken(header: #"{"alg":"RS256","kid":7}"#, payload: "{}", signer: Fixtures.rsaSigner)
        expectRejection(.malformed) { try Self.verify(token) }
    }

    @Test("duplicate member names in header or payload")
    func duplicates() throws {
        let signer = Fixtures.rsaSigner
        for header in [#"{"alg":"RS256","kid":"rsa-1","alg":"RS256"}"#, #"{"alg":"none","kid":"rsa-1","alg":"RS256"}"#, #"{"alg":"RS256","kid":"x","kid":"rsa-1"}"#] {
            let token = try Fixtures.rawToken(header: header, payload: #"{"sub":"a"}"#, signer: signer)
            expectRejection(.invalidJSON, "\(header)") { try Self.verify(token) }
        }
        let payload = try Fixtures.rawToken(header: #"{"alg":"RS256","kid":"rsa-1"}"#, payload: #"{"sub":"alice","sub":"admin"}"#, signer: signer)
        expectRejection(.invalidJSON) { try Self.verify(payload) }
    }

    @Test("trailing data after the JSON value in header or payload")
    func trailingGarbage() throws {
        let signer = Fixtures.rsaSigner
        for header in [#"{"alg":"RS256","kid":"rsa-1"}x"#, #"{"alg":"RS256","kid":"rsa-1"}{}"#, #"{"alg":"RS256","kid":"rsa-1"},"#] {
            let token = try Fixtures.rawToken(header: header, payload: "{}", signer: signer)
            expectRejection(.invalidJSON, "\(header)") { try Self.verify(token) }
        }
        for payload in [#"{"sub":"a"}garbage"#, #"{"sub":"a"}}"#, "{}\u{0}", #"{"sub":"a"},"#] {
            let token = try Fixtures.rawToken(header: #"{"alg":"RS256","kid":"rsa-1"}"#, payload: payload, signer: signer)
            expectRejection(.invalidJSON, "\(payload.debugDescription)") { try Self.verify(token) }
        }
        // Trailing whitespace, by contrast, is insignificant (RFC 8259 §2).
        try Self.verify(try Fixtures.rawToken(header: #"{"alg":"RS256","kid":"rsa-1"} "#, payload: "{} \n", signer: signer))
    }

    @Test("header and payload must be JSON objects", arguments: ["[]", #""claims""#, "42", "null", "true", "[{}]"])
    func notObjects(_ json: String) throws {
        let signer = Fixtures.rsaSigner
        let payload = try Fixtures.rawToken(header: #"{"alg":"RS256","kid":"rsa-1"}"#, payload: json, signer: signer)
        expectRejection(.malformed, "payload \(json)") { try Self.verify(payload) }
        let header = try Fixtures.rawToken(header: json, payload: "{}", signer: signer)
        expectRejection(.malformed, "header \(json)") { try Self.verify(header) }
    }

    @Test("JSON errors become invalid_json and keep their position")
    func jsonErrorPosition() throws {
        let token = try Fixtures.rawToken(header: #"{"alg":"RS256",}"#, payload: "{}", signer: Fixtures.rsaSigner)
        do {
            try Self.verify(token)
            Issue.record("accepted a header with a trailing comma")
        } catch let error as JOSEError {
            #expect(error.code == .invalidJSON)
            #expect(error.message == "JOSE header: expected a member name, found '}' at byte 15")
        }
    }

    @Test("header bytes that are not JSON: invalid UTF-8, raw control characters, empty")
    func notJSON() throws {
        let signer = Fixtures.rsaSigner
        let badUTF8 = Array(#"{"alg":"RS256","kid":"rsa-1","x":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8)
        let token = try Fixtures.rawToken(header: badUTF8, payload: Array("{}".utf8), signer: signer)
        expectRejection(.invalidJSON) { try Self.verify(token) }
        let control = try Fixtures.rawToken(header: "{\"alg\":\"RS256\",\"kid\":\"rsa-\n1\"}", payload: "{}", signer: signer)
        expectRejection(.invalidJSON) { try Self.verify(control) }
        let empty = try Fixtures.rawToken(header: "", payload: "{}", signer: signer)
        expectRejection(.invalidJSON) { try Self.verify(empty) }
        let deep = try Fixtures.rawToken(header: #"{"alg":"RS256","kid":"rsa-1","x":"# + String(repeating: "[", count: 10_000), payload: "{}", signer: signer)
        expectRejection(.invalidJSON) { try Self.verify(deep) }
    }
}

import JSON

/// One attack (or one control) of the catalog: how to build the request, what the gateway
/// must answer, and where the idea comes from.
public struct ConformanceCase: Sendable, Identifiable {
    public let id: String
    public let title: String
    public let category: String
    /// The standard section or advisory the case comes from.
    public let reference: String
    /// The catalog file that defines it.
    public let source: String
    /// How the token is built from the learned valid one; nil: the valid token as is.
    public let token: TokenRecipe?
    public let request: RequestRecipe
    public let expect: Expectation
    /// A control: a request that must get through for the other cases of its target to mean
    /// anything. Controls run first; a failing one stops the run (exit status 2).
    public let control: Bool
}

/// A token built by changing the valid one. Members are set or removed, or a segment is
/// replaced by literal JSON text (for duplicate names and other things no serializer writes);
/// then it is signed in one of several ways and laid out in one of several forms.
public struct TokenRecipe: Sendable {
    public enum Signing: Sendable, Equatable {
        /// The valid token's own signature (stale once anything above it changed).
        case keep
        /// Signed with the issuer's key (`--signing-key`), under its algorithm or another one
        /// the key can make (PS256 for an RS256 key, say).
        case key(algorithm: String?)
        /// No signature at all (an empty third segment).
        case none
        /// HMAC with the issuer's public key as the secret: its PEM text, or its JWK JSON.
        case hmacPublicPEM, hmacPublicJWK
        /// ECDSA with R = S = 0 (CVE-2022-21449, "psychic signatures").
        case zeroECDSA
        /// The valid ECDSA signature, DER-encoded instead of R || S.
        case derECDSA
        /// The valid signature one byte short, one byte long, or with one bit flipped.
        case truncate, extend, flip
        /// A key the issuer never published, of the same type, under the same `kid`.
        case stranger
        /// Random bytes of the valid signature's length.
        case random
    }

    public enum Form: String, Sendable, CaseIterable {
        case compact
        case twoSegments = "two-segments"
        case fourSegments = "four-segments"
        /// Five segments: the shape of a JWE (RFC 7516 §7.1).
        case jwe
        /// base64 padding (`=`) kept on every segment.
        case padded
        /// The standard base64 alphabet (`+`, `/`) instead of base64url.
        case standardBase64 = "standard-base64"
        /// A space in the middle of the payload segment.
        case spaceInside = "space-inside"
        case trailingDot = "trailing-dot"
        case empty
    }

    public var setHeader: [String: JSONValue] = [:]
    public var removeHeader: [String] = []
    public var setClaims: [String: JSONValue] = [:]
    public var removeClaims: [String] = []
    /// Literal segment text (placeholders filled in), instead of the serialized members.
    public var headerJSON: String?
    public var claimsJSON: String?
    /// A filler claim that makes the payload this many bytes long.
    public var padClaimsTo: Int?
    /// A claim nested this many arrays deep.
    public var nestClaims: Int?
    public var signing: Signing = .keep
    public var form: Form = .compact
    /// A literal token (placeholders filled in); everything else is ignored.
    public var raw: String?

    public init() {}

    /// Whether the header or payload differs from the valid token's.
    var changesContent: Bool {
        !setHeader.isEmpty || !removeHeader.isEmpty || !setClaims.isEmpty || !removeClaims.isEmpty
            || headerJSON != nil || claimsJSON != nil || padClaimsTo != nil || nestClaims != nil
            || form == .standardBase64 || form == .padded
    }
}

/// The HTTP request of a case.
public struct RequestRecipe: Sendable {
    public enum Target: String, Sendable {
        /// `--gateway`.
        case gateway
        /// `--soap-bridge`: the SOAP bridge, directly or through the gateway.
        case soapBridge = "soap-bridge"
        /// Each `--backend URL`, a role called past the gateway: the case runs once per URL,
        /// at that URL (its `path` is not used).
        case backend
    }

    public var target = Target.gateway
    public var method = "GET"
    /// Placeholders allowed; default the protected path (`--path`).
    public var path = "{{path}}"
    /// The Authorization header; nil sends none.
    public var authorization: String? = "Bearer {{token}}"
    /// Extra headers, in order (a second Authorization header, spoofed identity headers, …).
    public var headers: [(name: String, value: String)] = []
    /// Sent to the route of `--route` (its method and path) instead of `method` and `path`.
    public var route = false
    /// An OIDM outage answered with this status while the request is sent (through the OIDM
    /// emulator's admin endpoint, `--oidm-admin`).
    public var oidmOutage: Int?
    /// The request body, if any.
    public var body: BodyRecipe?
    /// What the upstream answers to the request this case makes it receive (the echo upstream
    /// playing a hostile SOAP service).
    public var upstream: UpstreamScript?

    public init() {}
}

/// A body: text with placeholders, grown to a size or a depth without a catalog file that size.
/// `{{pad}}` becomes filler that makes the whole body `padTo` bytes; `{{open}}` and `{{close}}`
/// become `nest.open` and `nest.close` repeated `nest.depth` times.
public struct BodyRecipe: Sendable {
    public struct Nest: Sendable {
        public let depth: Int
        public let open: String
        public let close: String
    }

    public var text: String
    public var contentType: String
    public var padTo: Int?
    public var nest: Nest?

    public init(text: String, contentType: String) {
        self.text = text
        self.contentType = contentType
    }

    func bytes(_ values: [String: String]) -> [UInt8] {
        var values = values
        values["open"] = nest.map { String(repeating: $0.open, count: $0.depth) } ?? ""
        values["close"] = nest.map { String(repeating: $0.close, count: $0.depth) } ?? ""
        values["pad"] = padTo == nil ? "" : "{{pad}}"
        let filled = Array(Templates.fill(text, values).utf8)
        guard let padTo, let marker = filled.firstRange(of: Array("{{pad}}".utf8)) else { return filled }
        let filler = max(0, padTo - (filled.count - marker.count))
        return Array(filled[..<marker.lowerBound]) + [UInt8](repeating: UInt8(ascii: "A"), count: filler) + Array(filled[marker.upperBound...])
    }
}

/// The hostile service's answer.
public struct UpstreamScript: Sendable {
    public var status: Int
    public var body: BodyRecipe
}

/// What the gateway must answer.
public struct Expectation: Sendable {
    public enum Status: Sendable, Equatable {
        case exactly([Int])
        /// 401 or 403: refused, for whichever reason the gateway gives.
        case denied
        /// Any 2xx.
        case success
        /// Any 4xx (the request never reaches the upstream, whoever refused it).
        case clientError
        /// Anything: the verdict rests on the other checks.
        case any
    }

    public var status: Status
    /// Text the `WWW-Authenticate` header must contain (e.g. `invalid_token`).
    public var wwwAuthenticate: String?
    /// Headers the upstream must have received, with these values (needs the echo upstream).
    public var upstreamHeaders: [(name: String, value: String)] = []
    /// Nothing the attacker serves (`{{attacker_jku}}`, `{{attacker_x5u}}`,
    /// `{{attacker_entity}}`, all from the echo upstream) may be fetched by the target.
    public var neverFetched = false
    /// Text the answer's body must not hold (a file's content, an entity's expansion).
    public var bodyExcludes: [String] = []
    /// What the upstream received must be well-formed XML without these elements or
    /// attributes (by local name), and with these texts as character data.
    public var upstreamXML: UpstreamXML?

    public struct UpstreamXML: Sendable {
        public var noElements: [String] = []
        public var noAttributes: [String] = []
        public var texts: [String] = []
    }

    public init(status: Status) {
        self.status = status
    }

    func accepts(_ code: Int) -> Bool {
        switch status {
        case .exactly(let codes): codes.contains(code)
        case .denied: code == 401 || code == 403
        case .success: (200..<300).contains(code)
        case .clientError: (400..<500).contains(code)
        case .any: true
        }
    }

    var statusText: String {
        switch status {
        case .exactly(let codes): codes.map(String.init).joined(separator: " or ")
        case .denied: "401 or 403"
        case .success: "2xx"
        case .clientError: "4xx"
        case .any: "any status"
        }
    }
}

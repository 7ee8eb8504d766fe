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

    public init() {}
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
    }

    public var status: Status
    /// Text the `WWW-Authenticate` header must contain (e.g. `invalid_token`).
    public var wwwAuthenticate: String?
    /// Headers the upstream must have received, with these values (needs the echo upstream).
    public var upstreamHeaders: [(name: String, value: String)] = []
    /// The attacker's key set (`{{attacker_jku}}`, served by the echo upstream) must never be
    /// fetched by the gateway.
    public var neverFetched = false

    public init(status: Status) {
        self.status = status
    }

    func accepts(_ code: Int) -> Bool {
        switch status {
        case .exactly(let codes): codes.contains(code)
        case .denied: code == 401 || code == 403
        case .success: (200..<300).contains(code)
        case .clientError: (400..<500).contains(code)
        }
    }

    var statusText: String {
        switch status {
        case .exactly(let codes): codes.map(String.init).joined(separator: " or ")
        case .denied: "401 or 403"
        case .success: "2xx"
        case .clientError: "4xx"
        }
    }
}

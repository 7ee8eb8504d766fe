import EdgeRuntime
import NIOHTTP1

/// The parts of nginx's auth subrequest that the decision reads.
public struct AuthRequest: Sendable {
    /// Every `Authorization` field, in order.
    public var authorization: [String] {
        get { firstAuthorization.map { [$0] + moreAuthorization } ?? [] }
        set {
            firstAuthorization = newValue.first
            moreAuthorization = Array(newValue.dropFirst())
        }
    }
    /// Kept apart so that the usual request, one field, builds no array.
    private(set) var firstAuthorization: String?
    private(set) var moreAuthorization: [String] = []
    /// How many `Authorization` fields came.
    var authorizationFields: Int { firstAuthorization == nil ? 0 : 1 + moreAuthorization.count }
    public var originalURI: String?
    public var originalMethod: String?
    public var requestID: String?
    /// W3C Trace Context as nginx forwards it; read only to continue the trace.
    public var traceparent: String?
    public var tracestate: String?
    /// The `Cookie` fields, joined with "; " when there are several (RFC 9113 §8.2.3): read
    /// only when browser sign-in is configured and no `Authorization` came.
    public var cookie: String?

    public init(authorization: [String], originalURI: String? = nil, originalMethod: String? = nil, requestID: String? = nil) {
        self.firstAuthorization = authorization.first
        self.moreAuthorization = Array(authorization.dropFirst())
        self.originalURI = originalURI
        self.originalMethod = originalMethod
        self.requestID = requestID
    }

    /// The fields from an auth subrequest's headers, in one pass over them (the hot path):
    /// every `Authorization` field, the one field of `pathHeader` (two of them count as none),
    /// and the first `X-Original-Method`, `X-Request-Id`, `traceparent` and `tracestate`.
    init(headers: HTTPHeaders, pathHeader: PathHeader) {
        var first: String?
        var more: [String] = []
        var path: String?
        var paths = 0
        var method: String?
        var requestID: String?
        var traceparent: String?
        var tracestate: String?
        var cookie: String?
        for (name, value) in headers {
            // The length first: most fields are none of these, and that costs one comparison.
            switch name.utf8.count {
            case 13 where ASCIICase.equal(name, "Authorization"):
                if first == nil { first = value } else { more.append(value) }
            case 14 where ASCIICase.equal(name, pathHeader.rawValue):
                paths += 1
                path = value
            case 17 where method == nil && ASCIICase.equal(name, "X-Original-Method"): method = value
            case 12 where requestID == nil && ASCIICase.equal(name, "X-Request-Id"): requestID = value
            case 11 where traceparent == nil && ASCIICase.equal(name, "traceparent"): traceparent = value
            case 10 where tracestate == nil && ASCIICase.equal(name, "tracestate"): tracestate = value
            case 6 where ASCIICase.equal(name, "Cookie"): cookie = cookie.map { "\($0); \(value)" } ?? value
            default: break
            }
        }
        self.firstAuthorization = first
        self.moreAuthorization = more
        self.originalURI = paths == 1 ? pathHeader.target(of: path) : nil
        self.originalMethod = method
        self.requestID = RequestID.accept(requestID)
        self.traceparent = traceparent
        self.tracestate = tracestate
        self.cookie = cookie
    }

    /// The same request, carrying `token` as its bearer token and no cookie.
    func bearing(_ token: String) -> AuthRequest {
        var request = self
        request.firstAuthorization = "Bearer \(token)"
        request.moreAuthorization = []
        request.cookie = nil
        return request
    }

    /// The request-target of an absolute URL (`X-Original-URL`, as ingress-nginx sends it):
    /// everything from the first `/` after the authority. nil unless the URL is plainly
    /// `http(s)://host[:port]/…`: the authority comes from the client's Host header, and a
    /// `#`, `?`, `@`, `/`, `\` or space in it would move where the path seems to start
    /// (`Host: x#` turns `http://x#/ops` into the path `/`).
    public static func target(ofURL url: String?) -> String? {
        guard let url else { return nil }
        let bytes = url.utf8
        let schemeLength: Int
        if ASCIICase.hasPrefix(bytes, "https://") {
            schemeLength = 8
        } else if ASCIICase.hasPrefix(bytes, "http://") {
            schemeLength = 7
        } else {
            return nil
        }
        let rest = bytes.dropFirst(schemeLength)
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")), slash > rest.startIndex,
              rest[..<slash].allSatisfy(isAuthorityByte) else { return nil }
        return String(Substring(url.utf8[slash...]))
    }

    /// RFC 3986 §3.2.2–3.2.3: a reg-name or IP literal and a port, with no percent-encoding
    /// (a Host that needs it is not one a gateway should route on).
    private static func isAuthorityByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "["), UInt8(ascii: "]"):
            true
        default:
            false
        }
    }
}

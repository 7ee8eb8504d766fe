/// The parts of nginx's auth subrequest that the decision reads.
public struct AuthRequest: Sendable {
    public var authorization: [String]
    public var originalURI: String?
    public var originalMethod: String?
    public var requestID: String?

    public init(authorization: [String], originalURI: String? = nil, originalMethod: String? = nil, requestID: String? = nil) {
        self.authorization = authorization
        self.originalURI = originalURI
        self.originalMethod = originalMethod
        self.requestID = requestID
    }

    /// The request-target of an absolute URL (`X-Original-URL`, which ingress-nginx sends
    /// instead of `X-Original-URI`): everything from the first `/` after the authority, `/`
    /// when there is none; nil unless it is an http(s) URL.
    public static func target(ofURL url: String?) -> String? {
        guard let url else { return nil }
        let lower = url.prefix(8).lowercased()
        let schemeLength: Int
        if lower.hasPrefix("https://") { schemeLength = 8 } else if lower.hasPrefix("http://") { schemeLength = 7 } else { return nil }
        let rest = url.dropFirst(schemeLength)
        guard let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) else { return rest.isEmpty ? nil : "/" }
        guard authorityEnd > rest.startIndex else { return nil }
        let target = rest[authorityEnd...]
        return target.first == "/" ? String(target) : "/" + target
    }
}

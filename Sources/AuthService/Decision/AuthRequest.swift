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
}

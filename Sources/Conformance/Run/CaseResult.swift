/// How one case went, with what was sent and what came back (the report's source).
public struct CaseResult: Sendable {
    public enum Outcome: String, Sendable {
        case passed, failed, skipped
    }

    public struct SentRequest: Sendable {
        public let method: String
        public let url: String
        /// Authorization values are shown as their scheme and the token's length only: the
        /// valid token is a live credential and reports travel.
        public let headers: [(name: String, value: String)]
        /// The forged token's header and claims JSON, when a token was built.
        public let tokenHeader: String?
        public let tokenClaims: String?
        /// The first bytes of the body sent, and of the answer staged at the upstream, with
        /// their sizes.
        public let body: String?
        public let upstreamAnswer: String?

        public init(
            method: String, url: String, headers: [(name: String, value: String)], tokenHeader: String? = nil, tokenClaims: String? = nil,
            body: String? = nil, upstreamAnswer: String? = nil
        ) {
            (self.method, self.url, self.headers, self.tokenHeader, self.tokenClaims) = (method, url, headers, tokenHeader, tokenClaims)
            (self.body, self.upstreamAnswer) = (body, upstreamAnswer)
        }

        /// A body as a report shows it: its first bytes as text, and its size when cut.
        static func preview(_ bytes: [UInt8]) -> String {
            let limit = 600
            let head = String(decoding: bytes.prefix(limit), as: UTF8.self)
            return bytes.count > limit ? head + "… (\(bytes.count) bytes)" : head
        }
    }

    public struct Answer: Sendable {
        public let status: Int
        public let headers: [(name: String, value: String)]
        /// The first bytes of the body, as text.
        public let body: String
    }

    public let id: String
    public let title: String
    public let category: String
    public let reference: String
    /// The catalog file of the case.
    public let source: String
    public let outcome: Outcome
    /// Why it failed or was skipped; empty when it passed.
    public let reason: String
    public let expected: String
    public let request: SentRequest?
    public let answer: Answer?
    public let durationMs: Int
}

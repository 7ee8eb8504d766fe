/// Who a request comes from, as its verified bearer token says (set by the access check
/// before any handler runs; nil where a role answers without one: `access.mode: none`).
public struct Caller: Sendable, Equatable {
    public let subject: String
    /// `client_id` (the calling application), else the subject.
    public let client: String
    public let scopes: Set<String>

    public init(subject: String, client: String, scopes: Set<String>) {
        self.subject = subject
        self.client = client
        self.scopes = scopes
    }
}

/// What `AUTH` sends: an ACL user and its password, or the password alone (`requirepass`,
/// an Azure Cache for Redis access key). The descriptions never show the password.
public struct RedisCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public var username: String?
    public var password: String

    public init(username: String? = nil, password: String) {
        self.username = username
        self.password = password
    }

    public var description: String { "RedisCredentials(username: \(username ?? "(none)"), password: (secret))" }
    public var debugDescription: String { description }
}

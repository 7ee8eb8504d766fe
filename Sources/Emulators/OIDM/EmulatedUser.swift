import EdgeRuntime

/// A person who signs in on the emulator's login form (`users[]`), with the scopes their
/// access token carries.
public struct EmulatedUser: Sendable, Equatable {
    public var username: String
    public var password: Secret
    public var scopes: [String]

    public init(username: String, password: Secret, scopes: [String]) {
        self.username = username
        self.password = password
        self.scopes = scopes
    }

    init(reader: ConfigReader) throws(ConfigError) {
        guard let username = try reader.nonEmptyString("username") else { throw ConfigError(key: "users[].username", "every user needs a username") }
        guard let password = try reader.secret("password"), !password.value.isEmpty else {
            throw ConfigError(key: "users[].password", "user \(username) needs a password (or password_file)")
        }
        self.username = username
        self.password = password
        self.scopes = try reader.stringList("scopes")
    }
}

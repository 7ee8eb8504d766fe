import XML

/// WS-Security UsernameToken with a clear-text password (UsernameToken Profile 1.0,
/// PasswordText): what Thunderhead's JobAPI expects in the SOAP header.
public struct UsernameToken: Sendable, Equatable {
    public static let securityNamespace = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
    public static let passwordText = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText"

    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Writes `<wsse:Security>` into an open Header (envelope prefix `env`).
    public func write(to writer: inout XMLWriter, version: SOAPVersion) throws(XMLError) {
        try writer.start("wsse:Security", attributes: [
            ("xmlns:wsse", Self.securityNamespace),
            ("env:mustUnderstand", version == .v1_1 ? "1" : "true"),
        ])
        try writer.start("wsse:UsernameToken")
        try writer.element("wsse:Username", text: username)
        try writer.element("wsse:Password", text: password, attributes: [("Type", Self.passwordText)])
        try writer.end()
        try writer.end()
    }

    /// The token in a parsed SOAP Header, if there is a PasswordText one.
    public init?(header: XMLElement?) {
        guard let token = header?.first("Security", namespace: Self.securityNamespace)?.first("UsernameToken", namespace: Self.securityNamespace),
              let username = token.first("Username", namespace: Self.securityNamespace)?.text,
              let password = token.first("Password", namespace: Self.securityNamespace) else { return nil }
        // A digest password cannot be compared with a configured clear-text one.
        if let type = password.attribute("Type"), type != Self.passwordText { return nil }
        self.username = username
        self.password = password.text
    }
}

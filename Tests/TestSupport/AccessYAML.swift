/// An `access` block for configuration-only tests of a role: valid, verifying (no warning),
/// never started (its JWKS file is not read while a configuration is only parsed).
public enum AccessYAML {
    public static let verifying = "access: {jwks: {file: /nonexistent/jwks.json}, token: {issuers: [\"https://idp.test\"], audiences: [oms], allowed_domains: [retail]}}\n"
}

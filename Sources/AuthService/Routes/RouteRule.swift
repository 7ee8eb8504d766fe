import EdgeRuntime

/// `routes[]`: requests whose normalised path starts with `prefix` (by whole segments; a `*`
/// segment matches any one segment) and whose method is in `methods` (empty = every method)
/// need `scopes` on top of the global ones.
public struct RouteRule: Sendable, Equatable {
    public var prefix: String
    public var methods: Set<String>
    public var scopes: [String]
    /// `browser: true`: a signed-in browser's session cookie is accepted here in place of a
    /// bearer token. APIs leave it off, so a cookie never authorises them.
    public var browser: Bool

    public init(prefix: String, methods: Set<String> = [], scopes: [String], browser: Bool = false) {
        self.prefix = prefix
        self.methods = methods
        self.scopes = scopes
        self.browser = browser
    }

    init(reader: ConfigReader) throws(ConfigError) {
        guard let prefix = try reader.nonEmptyString("prefix") else {
            throw ConfigError(key: "\(reader.origin): routes[].prefix", "every route needs a prefix")
        }
        guard let normalised = try? PathNormalizer.normalize(prefix), normalised == prefix || normalised + "/" == prefix else {
            throw ConfigError(key: "routes.prefix", "'\(prefix)' is not a normalised absolute path (start with /, no dot segments, no repeated or encoded slashes)")
        }
        // `*` stands for one whole segment; inside a segment it would read as a pattern that
        // matching does not apply, so it is refused rather than taken literally.
        if let segment = normalised.split(separator: "/").first(where: { $0 != "*" && $0.contains("*") }) {
            throw ConfigError(key: "routes.prefix", "'\(prefix)': the segment '\(segment)' holds a '*'; a '*' must be a whole segment (it matches any one segment)")
        }
        self.prefix = normalised
        self.methods = Set(try reader.stringList("methods").map { $0.uppercased() })
        self.scopes = try reader.stringList("scopes")
        self.browser = try reader.bool("browser", default: false)
    }
}

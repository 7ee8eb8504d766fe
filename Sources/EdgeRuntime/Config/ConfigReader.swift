import Foundation

/// Reads typed, validated configuration values from a YAML file, with `OMS_*` environment
/// variables overriding single keys (`oidm.cache_ttl_s` ← `OMS_OIDM_CACHE_TTL_S`).
///
/// A reader is used once, at start-up, to build a role's `Sendable` configuration struct;
/// `checkNoUnknownKeys()` then turns any key nobody asked for (a typo) into an error.
public final class ConfigReader {
    private final class Tracker {
        var present: Set<String> = []
        var consumed: Set<String> = []
        var warnings: [String] = []
    }

    private let root: ConfigValue
    private let prefix: String
    private let environment: [String: String]
    private let tracker: Tracker
    public let origin: String

    /// Loads `path` (or nothing when `path` is nil: defaults and environment only).
    public convenience init(file path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        guard let path else {
            try self.init(yaml: "", origin: "(no file)", environment: environment)
            return
        }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(key: path, "cannot read the configuration file (\(error.localizedDescription))")
        }
        try self.init(yaml: text, origin: path, environment: environment)
    }

    public init(yaml: String, origin: String = "(inline)", environment: [String: String] = [:]) throws(ConfigError) {
        let parsed = try ConfigValue.parse(yaml: yaml, origin: origin) ?? .map([])
        guard case .map = parsed else { throw ConfigError(key: origin, "the top level must be a mapping of keys") }
        self.root = parsed
        self.prefix = ""
        self.environment = environment
        self.origin = origin
        self.tracker = Tracker()
        tracker.present.formUnion(parsed.leafPaths(prefix: ""))
    }

    private init(element: ConfigValue, prefix: String, parent: ConfigReader) {
        self.root = element
        self.prefix = prefix
        self.environment = [:]  // list elements are overridden as a whole list, never key by key
        self.origin = parent.origin
        self.tracker = parent.tracker
        tracker.present.formUnion(element.leafPaths(prefix: prefix))
    }

    /// The environment variable that overrides `key`.
    public static func environmentName(for key: String) -> String {
        "OMS_" + key.uppercased().map { $0 == "." || $0 == "-" ? "_" : $0 }.map(String.init).joined()
    }

    func fullKey(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    /// Settings that are valid but unsafe (`insecure_skip_verify`): the role logs each of
    /// these at every start, and `--check` prints them.
    public var warnings: [String] { tracker.warnings }

    public func warn(_ key: String, _ message: String) {
        tracker.warnings.append("\(fullKey(key)): \(message)")
    }

    /// The raw value for `key`: the environment first, then the file.
    private func raw(_ key: String) throws(ConfigError) -> ConfigValue? {
        let full = fullKey(key)
        // Reading `oidm.url` also accounts for an empty `oidm:` section.
        var partial = ""
        for part in full.split(separator: ".") {
            partial = partial.isEmpty ? String(part) : "\(partial).\(part)"
            tracker.consumed.insert(partial)
        }
        if prefix.isEmpty, let text = environment[Self.environmentName(for: key)] {
            return .scalar(text)
        }
        var node: ConfigValue? = root
        for part in key.split(separator: ".") { node = node?[String(part)] }
        return node
    }

    public func has(_ key: String) throws(ConfigError) -> Bool { try raw(key) != nil }

    public func string(_ key: String) throws(ConfigError) -> String? {
        switch try raw(key) {
        case nil: return nil
        case .scalar(let text): return text
        case .some: throw ConfigError(key: fullKey(key), "expected a single value")
        }
    }

    public func string(_ key: String, default value: String) throws(ConfigError) -> String {
        try string(key) ?? value
    }

    public func nonEmptyString(_ key: String) throws(ConfigError) -> String? {
        guard let text = try string(key) else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigError(key: fullKey(key), "must not be empty")
        }
        return text
    }

    public func int(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let text = try string(key) else { return value }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigError(key: fullKey(key), "expected a whole number, got '\(text.prefix(40))'")
        }
        guard range.contains(number) else {
            throw ConfigError(key: fullKey(key), "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    public func double(_ key: String, default value: Double, in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard let text = try string(key) else { return value }
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
            throw ConfigError(key: fullKey(key), "expected a number, got '\(text.prefix(40))'")
        }
        guard range.contains(number) else {
            throw ConfigError(key: fullKey(key), "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    public func bool(_ key: String, default value: Bool) throws(ConfigError) -> Bool {
        guard let text = try string(key) else { return value }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw ConfigError(key: fullKey(key), "expected true or false, got '\(text.prefix(40))'")
        }
    }

    /// One of a fixed set of words, compared case-insensitively and returned lower-cased.
    public func choice(_ key: String, default value: String, allowed: [String]) throws(ConfigError) -> String {
        guard let text = try string(key)?.lowercased() else { return value }
        guard allowed.contains(text) else {
            throw ConfigError(key: fullKey(key), "must be one of \(allowed.joined(separator: ", ")), got '\(text.prefix(40))'")
        }
        return text
    }

    /// An absolute http(s) URL with a host.
    public func httpURL(_ key: String) throws(ConfigError) -> String? {
        guard let text = try string(key) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty else {
            throw ConfigError(key: fullKey(key), "expected an http:// or https:// URL with a host, got '\(text.prefix(80))'")
        }
        return text
    }

    /// A list of strings: a YAML sequence in the file; in the environment either a YAML flow
    /// sequence (`[a, b]`) or a comma-separated list.
    public func stringList(_ key: String, default value: [String] = []) throws(ConfigError) -> [String] {
        guard let node = try raw(key) else { return value }
        switch node {
        case .list(let items):
            var out: [String] = []
            for (index, item) in items.enumerated() {
                guard case .scalar(let text) = item else {
                    throw ConfigError(key: "\(fullKey(key))[\(index)]", "expected a single value")
                }
                out.append(text)
            }
            return out
        case .scalar(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("[") {
                guard case .list(let items)? = try ConfigValue.parse(yaml: trimmed, origin: Self.environmentName(for: fullKey(key))) else {
                    throw ConfigError(key: fullKey(key), "expected a list")
                }
                return try items.enumerated().map { (index, item) throws(ConfigError) -> String in
                    guard case .scalar(let text) = item else {
                        throw ConfigError(key: "\(fullKey(key))[\(index)]", "expected a single value")
                    }
                    return text
                }
            }
            if trimmed.isEmpty { return [] }
            return trimmed.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .map:
            throw ConfigError(key: fullKey(key), "expected a list")
        }
    }

    /// A mapping of names to single values (such as `kafka.properties`); in the environment,
    /// a YAML or JSON flow mapping (`{a: 1, b: x}`). The names are the caller's to check.
    public func stringMap(_ key: String) throws(ConfigError) -> [String: String] {
        guard var node = try raw(key) else { return [:] }
        if case .scalar(let text) = node {
            if text.trimmingCharacters(in: .whitespaces).isEmpty { return [:] }
            node = try ConfigValue.parse(yaml: text, origin: Self.environmentName(for: fullKey(key))) ?? .map([])
        }
        guard case .map(let pairs) = node else { throw ConfigError(key: fullKey(key), "expected a mapping of names to values") }
        var out: [String: String] = [:]
        for (name, value) in pairs {
            guard case .scalar(let text) = value else {
                throw ConfigError(key: "\(fullKey(key)).\(name)", "expected a single value")
            }
            out[name] = text
        }
        // The values were read here, so the unknown-key check must not report them.
        tracker.consumed.formUnion(pairs.map { "\(fullKey(key)).\($0.key)" })
        return out
    }

    /// A list of mappings (such as `routes`), each read by its own reader. In the environment
    /// the whole list is given as YAML or JSON flow text.
    public func mappingList(_ key: String) throws(ConfigError) -> [ConfigReader] {
        guard var node = try raw(key) else { return [] }
        if case .scalar(let text) = node {
            node = try ConfigValue.parse(yaml: text, origin: Self.environmentName(for: fullKey(key))) ?? .list([])
        }
        guard case .list(let items) = node else { throw ConfigError(key: fullKey(key), "expected a list") }
        return try items.enumerated().map { (index, item) throws(ConfigError) -> ConfigReader in
            let path = "\(fullKey(key))[\(index)]"
            guard case .map = item else { throw ConfigError(key: path, "expected a mapping of keys") }
            return ConfigReader(element: item, prefix: path, parent: self)
        }
    }

    /// Fails on the first key in the file that no part of the program read: a typo such as
    /// `oidm.timout_ms` must not silently fall back to a default.
    public func checkNoUnknownKeys() throws(ConfigError) {
        let unknown = tracker.present.subtracting(tracker.consumed).filter { !$0.isEmpty }
        if let first = unknown.sorted().first {
            throw ConfigError(key: first, "unknown key (misspelt, or not used by this role)")
        }
    }
}

import Yams

/// A parsed configuration tree. Yams' `Node` is neither `Sendable` nor strict about
/// duplicate keys and aliases, so the YAML is converted once into this plain value.
enum ConfigValue: Sendable, Equatable {
    case scalar(String)
    case list([ConfigValue])
    case map([(key: String, value: ConfigValue)])

    static func == (lhs: ConfigValue, rhs: ConfigValue) -> Bool {
        switch (lhs, rhs) {
        case let (.scalar(a), .scalar(b)): return a == b
        case let (.list(a), .list(b)): return a == b
        case let (.map(a), .map(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// Parses YAML text. `origin` names the file or variable in error messages.
    static func parse(yaml: String, origin: String) throws(ConfigError) -> ConfigValue? {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigError(key: origin, "not valid YAML: \(String(describing: error).prefix(200))")
        }
        guard let node else { return nil }
        var budget = maximumNodes
        return try convert(node, path: "", budget: &budget)
    }

    /// Far more than any real configuration has; a bound on what a hostile file can cost
    /// (Yams resolves aliases while composing, so an alias-expansion "billion laughs" file
    /// meets this limit while it is being converted).
    static let maximumNodes = 100_000

    private static func convert(_ node: Node, path: String, budget: inout Int) throws(ConfigError) -> ConfigValue {
        let here = path.isEmpty ? "(root)" : path
        budget -= 1
        guard budget >= 0 else { throw ConfigError(key: here, "configuration has more than \(maximumNodes) values") }
        switch node {
        case .scalar(let scalar):
            return .scalar(scalar.string)
        case .sequence(let sequence):
            var items: [ConfigValue] = []
            for (index, item) in sequence.enumerated() {
                items.append(try convert(item, path: "\(path)[\(index)]", budget: &budget))
            }
            return .list(items)
        case .mapping(let mapping):
            var pairs: [(key: String, value: ConfigValue)] = []
            var seen = Set<String>()
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let keyScalar) = keyNode else {
                    throw ConfigError(key: path.isEmpty ? "(root)" : path, "mapping keys must be plain strings")
                }
                let key = keyScalar.string
                let child = path.isEmpty ? key : "\(path).\(key)"
                // A repeated key silently overriding the first is a classic operator trap.
                guard seen.insert(key).inserted else { throw ConfigError(key: child, "key appears twice") }
                pairs.append((key, try convert(valueNode, path: child, budget: &budget)))
            }
            return .map(pairs)
        case .alias:
            throw ConfigError(key: here, "unresolved YAML alias")
        }
    }

    subscript(key: String) -> ConfigValue? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// Every leaf path below this value, for the unknown-key check.
    func leafPaths(prefix: String) -> [String] {
        switch self {
        case .scalar, .list: return [prefix]
        case .map(let pairs):
            if pairs.isEmpty { return [prefix] }
            return pairs.flatMap { $0.value.leafPaths(prefix: prefix.isEmpty ? $0.key : "\(prefix).\($0.key)") }
        }
    }
}

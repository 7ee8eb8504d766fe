import JSON
import Yams

/// A YAML document as JSON values: the catalog is data, and token members must keep their
/// types (`exp: 123` is a number, `exp: "123"` a string).
enum YAMLData {
    struct Failure: Error {
        let message: String
    }

    static func parse(_ text: String) throws(Failure) -> JSONValue {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw Failure(message: "not YAML: \(error)")
        }
        guard let node else { return .null }
        var budget = maxValues
        return try value(node, depth: 0, budget: &budget)
    }

    /// Aliases make a small text stand for a huge tree (the YAML billion laughs): the values
    /// are counted as the tree is walked, aliases included, and the walk stops here.
    static let maxValues = 100_000

    private static func value(_ node: Node, depth: Int, budget: inout Int) throws(Failure) -> JSONValue {
        // Catalog files are small and flat; anything this deep is a mistake or an attack.
        guard depth < 32 else { throw Failure(message: "nested more than 32 levels") }
        budget -= 1
        guard budget >= 0 else { throw Failure(message: "more than \(maxValues) values (aliases count each time they are used)") }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            switch node.tag.description {
            case Tag.Name.null.rawValue: return .null
            // Only true and false: YAML 1.1's yes/no/on/off stay text in a catalog.
            case Tag.Name.bool.rawValue where ["true", "false"].contains(scalar.string): return .bool(scalar.string == "true")
            case Tag.Name.int.rawValue: return node.int.map { .number(Double($0)) } ?? .string(scalar.string)
            case Tag.Name.float.rawValue: return node.float.map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for item in sequence { items.append(try value(item, depth: depth + 1, budget: &budget)) }
            return .array(items)
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, item) in mapping {
                guard case .scalar(let name) = key else { throw Failure(message: "a mapping key that is not text") }
                guard object[name.string] == nil else { throw Failure(message: "the key '\(name.string)' appears twice") }
                object[name.string] = try value(item, depth: depth + 1, budget: &budget)
            }
            return .object(object)
        case .alias:
            // compose resolves aliases to their anchored nodes; an unresolved one is an error.
            throw Failure(message: "an unresolved YAML alias")
        }
    }
}

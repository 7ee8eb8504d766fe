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
        return try value(node, depth: 0)
    }

    private static func value(_ node: Node, depth: Int) throws(Failure) -> JSONValue {
        // Catalog files are small and flat; anything this deep is a mistake or an attack.
        guard depth < 32 else { throw Failure(message: "nested more than 32 levels") }
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
            for item in sequence { items.append(try value(item, depth: depth + 1)) }
            return .array(items)
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, item) in mapping {
                guard case .scalar(let name) = key else { throw Failure(message: "a mapping key that is not text") }
                guard object[name.string] == nil else { throw Failure(message: "the key '\(name.string)' appears twice") }
                object[name.string] = try value(item, depth: depth + 1)
            }
            return .object(object)
        case .alias:
            throw Failure(message: "YAML aliases are not used in the catalog")
        }
    }
}

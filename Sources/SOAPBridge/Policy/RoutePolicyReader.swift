import EdgeRuntime

/// One `routes[]` entry of a policy file.
enum RoutePolicyReader {
    static let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]

    static func read(_ reader: ConfigReader, file: String, index: Int) throws(ConfigError) -> RoutePolicy {
        func fail(_ key: String, _ message: String) -> ConfigError { ConfigError(key: "\(file): routes[\(index)].\(key)", message) }
        func required(_ key: String) throws(ConfigError) -> String {
            guard let value = try reader.nonEmptyString(key) else { throw fail(key, "is required") }
            return value
        }
        let name = try reader.nonEmptyString("name") ?? "route-\(index)"
        let method = try required("method").uppercased()
        guard methods.contains(method) else { throw fail("method", "must be one of \(methods.joined(separator: ", "))") }
        let pathText = try required("path")
        let path: PathTemplate
        do {
            path = try PathTemplate(pathText)
        } catch {
            throw fail("path", error.message)
        }
        let operation = try required("operation")
        let soapAction = try required("soap_action")
        // Stated for every route, never assumed: the bridge checks each caller's token for them.
        guard try reader.has("scopes") else { throw fail("scopes", "is required: the scopes a caller's token needs for this route ([] for any valid token)") }
        let scopes = try reader.stringList("scopes")

        var fromPath: [(parameter: String, element: String)] = []
        for (entryIndex, entry) in try reader.mappingList("request.from_path").enumerated() {
            guard let parameter = try entry.nonEmptyString("parameter"), path.parameters.contains(parameter) else {
                throw fail("request.from_path[\(entryIndex)].parameter", "must name a {parameter} of the path")
            }
            fromPath.append((parameter, try entry.nonEmptyString("element") ?? parameter))
        }
        for parameter in path.parameters where !fromPath.contains(where: { $0.parameter == parameter }) {
            throw fail("request.from_path", "path parameter {\(parameter)} is not mapped to an element")
        }
        var entries: [String: EntryShape] = [:]
        for (entryIndex, entry) in try reader.mappingList("request.entries").enumerated() {
            guard let member = try entry.nonEmptyString("member") else { throw fail("request.entries[\(entryIndex)].member", "is required") }
            entries[member] = EntryShape(key: try entry.nonEmptyString("key") ?? "name", value: try entry.nonEmptyString("value") ?? "value")
        }
        let order = try reader.stringList("request.order")
        let additional = try reader.choice("request.additional", default: order.isEmpty ? "pass" : "reject", allowed: ["reject", "pass"])
        if additional == "reject" && order.isEmpty {
            throw fail("request.additional", "reject needs request.order to name the members the operation takes")
        }
        let mapping = RequestMapping(
            order: order,
            additional: RequestMapping.Additional(rawValue: additional),
            required: try reader.stringList("request.required"),
            base64: Set(try reader.stringList("request.base64")),
            entries: entries
        )
        let status = try reader.int("response.status", default: 200, in: 200...299)
        let fields = try reader.mappingList("response.fields")
        let responseMapping = fields.isEmpty ? nil : ResponseMapping(fields: try fields.enumerated().map { (fieldIndex, field) throws(ConfigError) in
            try readField(field, key: "response.fields[\(fieldIndex)]", fail: fail)
        })
        return RoutePolicy(
            name: name, method: method, path: path, operation: operation, scopes: scopes, soapAction: soapAction,
            bodyElement: try reader.nonEmptyString("request.element"),
            takesBody: ["POST", "PUT", "PATCH"].contains(method),
            requestMapping: mapping, fromPath: fromPath, status: status, responseMapping: responseMapping
        )
    }

    private static func readField(_ reader: ConfigReader, key: String, fail: (String, String) -> ConfigError) throws(ConfigError) -> ResponseField {
        guard let name = try reader.nonEmptyString("name") else { throw fail("\(key).name", "is required") }
        guard let path = try reader.nonEmptyString("path") else { throw fail("\(key).path", "is required") }
        let typeName = try reader.choice("type", default: "string", allowed: ["string", "integer", "number", "boolean", "raw"])
        let each = try reader.mappingList("each")
        let nested = each.isEmpty ? nil : try each.enumerated().map { (index, item) throws(ConfigError) in
            try readField(item, key: "\(key).each[\(index)]", fail: fail)
        }
        let type: ResponseField.FieldType = switch typeName {
        case "integer": .integer
        case "number": .number
        case "boolean": .boolean
        case "raw": .raw
        default: .string
        }
        return ResponseField(name, path: path.split(separator: "/").map(String.init), type: type, each: nested)
    }
}

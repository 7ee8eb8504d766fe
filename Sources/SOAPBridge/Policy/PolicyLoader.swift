import EdgeRuntime
import Foundation

/// Reads and validates `<policies>/<service>/policy.yaml` at start-up. Every problem names
/// the file and the key, like the rest of the configuration.
enum PolicyLoader {
    static let fileName = "policy.yaml"

    /// The services that have a policy, in name order.
    static func serviceNames(in folder: String) throws(ConfigError) -> [String] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw ConfigError(key: "policies", "cannot read the policy folder \(folder)")
        }
        let names = entries.filter { FileManager.default.fileExists(atPath: "\(folder)/\($0)/\(fileName)") }.sorted()
        guard !names.isEmpty else { throw ConfigError(key: "policies", "no <service>/\(fileName) under \(folder)") }
        return names
    }

    static func load(service: String, folder: String) throws(ConfigError) -> ServicePolicy {
        let file = "\(folder)/\(service)/\(fileName)"
        // Policies are files reviewed with the code: no environment overrides.
        let reader = try ConfigReader(file: file, environment: [:])
        func fail(_ key: String, _ message: String) -> ConfigError { ConfigError(key: "\(file): \(key)", message) }
        guard let namespace = try reader.nonEmptyString("namespace") else { throw fail("namespace", "the WSDL target namespace is required") }
        if let wsdl = try reader.nonEmptyString("wsdl"), !FileManager.default.fileExists(atPath: "\(folder)/\(service)/\(wsdl)") {
            throw fail("wsdl", "\(wsdl) is not in \(folder)/\(service)")
        }
        let business = try reader.stringList("business_fault_codes")
        var errorRule: ServicePolicy.ErrorMessageRule?
        if try reader.has("error_messages.element") {
            errorRule = ServicePolicy.ErrorMessageRule(
                element: try reader.nonEmptyString("error_messages.element")!,
                typeElement: try reader.nonEmptyString("error_messages.type") ?? "type",
                codeElement: try reader.nonEmptyString("error_messages.code") ?? "code",
                messageElement: try reader.nonEmptyString("error_messages.message") ?? "message",
                errorTypes: Set(try reader.stringList("error_messages.error_types", default: ["ERROR"]))
            )
        }
        var routes: [RoutePolicy] = []
        var seen = Set<String>()
        for (index, route) in try reader.mappingList("routes").enumerated() {
            let loaded = try RoutePolicyReader.read(route, file: file, index: index)
            guard seen.insert("\(loaded.method) \(loaded.path.segments)").inserted else {
                throw fail("routes[\(index)]", "\(loaded.method) \(loaded.path) is declared twice")
            }
            routes.append(loaded)
        }
        guard !routes.isEmpty else { throw fail("routes", "a policy needs at least one route") }
        try reader.checkNoUnknownKeys()
        return ServicePolicy(service: service, namespace: namespace, businessFaultCodes: business, errorMessages: errorRule, routes: routes)
    }
}

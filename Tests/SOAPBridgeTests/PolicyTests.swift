import EdgeRuntime
import Foundation
import TestSupport
import Testing
@testable import SOAPBridge

/// Policy files and the bridge's configuration are validated at start-up, naming file and key.
@Suite struct PolicyTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("svc"), withIntermediateDirectories: true)
    }

    static let good = """
        namespace: urn:svc
        routes:
          - name: get-thing
            method: GET
            path: /svc/v1/things/{id}
            operation: getThing
            soap_action: urn:getThing
            scopes: [things.read]
            request:
              from_path: [{parameter: id, element: thingId}]
        """

    func load(_ yaml: String) throws(ConfigError) -> ServicePolicy {
        try! Data(yaml.utf8).write(to: folder.appendingPathComponent("svc/policy.yaml"))
        return try PolicyLoader.load(service: "svc", folder: folder.path)
    }

    func key(_ yaml: String) -> String? {
        do {
            _ = try load(yaml)
            return nil
        } catch {
            return error.key.components(separatedBy: ": ").last
        }
    }

    @Test func theShippedThunderheadPolicyLoads() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let policy = try PolicyLoader.load(service: "thunderhead", folder: root.appendingPathComponent("sidecars").path)
        #expect(policy.routes.map(\.name) == ["submit-batch", "preview", "batch-status", "batch-errors", "batch-lookup"])
        #expect(policy.routes[4].path.routerPath == "/thunderhead/v1/batch-names/:batchName")
        #expect(policy.businessFaultCodes == ["TH-2"])
        #expect(policy.routes[0].status == 201)
        #expect(policy.routes[2].path.routerPath == "/thunderhead/v1/batches/:batchId")
    }

    @Test func aGoodPolicyLoads() throws {
        let policy = try load(Self.good)
        #expect(policy.routes.first?.fromPath.first?.element == "thingId")
        #expect(policy.routes.first?.takesBody == false)
    }

    @Test func mistakesNameTheirKey() {
        #expect(key(Self.good.replacingOccurrences(of: "namespace: urn:svc\n", with: "")) == "namespace")
        #expect(key(Self.good.replacingOccurrences(of: "method: GET", with: "method: FETCH")) == "routes[0].method")
        #expect(key(Self.good.replacingOccurrences(of: "/svc/v1/things/{id}", with: "svc/v1")) == "routes[0].path")
        #expect(key(Self.good.replacingOccurrences(of: "/svc/v1/things/{id}", with: "/svc/{id}/{id}")) == "routes[0].path")
        #expect(key(Self.good.replacingOccurrences(of: "from_path: [{parameter: id, element: thingId}]", with: "from_path: []")) == "routes[0].request.from_path")
        #expect(key(Self.good.replacingOccurrences(of: "parameter: id", with: "parameter: other")) == "routes[0].request.from_path[0].parameter")
        #expect(key(Self.good.replacingOccurrences(of: "soap_action: urn:getThing", with: "soapaction: urn:getThing")) == "routes[0].soap_action")
        #expect(key(Self.good + "\n    response: {status: 500}") == "routes[0].response.status")
        #expect(key(Self.good + "\n    response: {fields: [{name: a, path: x, type: date}]}") == "routes[0].response.fields[0].type")
        #expect(key(Self.good + "\n  - {method: GET, path: \"/svc/v1/things/{id}\", operation: o, soap_action: a, scopes: [], request: {from_path: [{parameter: id}]}}") == "routes[1]")
        #expect(key(Self.good + "\ntypo: 1") == "typo")
        // Every route states the scopes its callers need; none is assumed.
        #expect(key(Self.good.replacingOccurrences(of: "    scopes: [things.read]\n", with: "")) == "routes[0].scopes")
        #expect(key(Self.good + "\n      additional: reject") == "routes[0].request.additional")
        #expect(key(Self.good + "\n      order: [a]\n      additional: drop") == "routes[0].request.additional")
    }

    @Test func unknownMembersAreRefusedWhereAnOrderIsGiven() throws {
        #expect(try load(Self.good).routes[0].requestMapping.additional == .pass)
        #expect(try load(Self.good + "\n      order: [a]").routes[0].requestMapping.additional == .reject)
        #expect(try load(Self.good + "\n      order: [a]\n      additional: pass").routes[0].requestMapping.additional == .pass)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try PolicyLoader.load(service: "thunderhead", folder: root.appendingPathComponent("sidecars").path)
        #expect(shipped.routes.filter(\.takesBody).allSatisfy { $0.requestMapping.additional == .reject })
    }

    @Test func configurationNeedsAnURLPerPolicyAndTakesEnvironmentOverrides() throws {
        try Data(Self.good.utf8).write(to: folder.appendingPathComponent("svc/policy.yaml"))
        let yaml = "policies: \(folder.path)\n" + AccessYAML.verifying
        do {
            _ = try BridgeConfiguration(reader: ConfigReader(yaml: yaml, environment: [:]))
            Issue.record("accepted a policy without services.svc.url")
        } catch {
            #expect(error.key == "services.svc.url")
        }
        let configuration = try BridgeConfiguration(reader: ConfigReader(yaml: yaml, environment: [
            "OMS_SERVICES_SVC_URL": "http://127.0.0.1:9/soap", "OMS_SERVICES_SVC_USERNAME": "u", "OMS_SERVICES_SVC_PASSWORD": "p",
            "OMS_SERVICES_SVC_SOAP_VERSION": "1.2",
        ]))
        let upstream = try #require(configuration.services["svc"])
        #expect(upstream.url == "http://127.0.0.1:9/soap")
        #expect(upstream.authentication == .usernameToken)
        #expect(upstream.soapVersion == .v1_2)
        do {
            _ = try BridgeConfiguration(reader: ConfigReader(yaml: yaml, environment: ["OMS_SERVICES_SVC_URL": "http://x/soap", "OMS_SERVICES_SVC_AUTH": "basic"]))
            Issue.record("accepted basic auth without credentials")
        } catch {
            #expect(error.key == "services.svc.auth")
        }
    }
}

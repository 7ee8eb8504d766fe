import Foundation
import TestSupport
import Testing
import Yams

/// `helm/oms`, rendered by the real Helm (no cluster): it lints, and what it renders is wired
/// as the gateway needs it.
@Suite struct HelmChartTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let chart = root.appendingPathComponent("helm/oms").path
    static let roles = ["auth", "soap-bridge", "refdata", "core"]

    static func helm(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let binary = ProcessInfo.processInfo.environment["OMS_HELM"] ?? root.appendingPathComponent(".tools/helm/helm").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            Issue.record("helm not found at \(binary): run scripts/install-helm.sh (scripts/test.sh does) or set OMS_HELM")
            throw CancellationError()
        }
        return try await ChildProcess.output(of: [binary] + arguments)
    }

    static let azureValues = root.appendingPathComponent("helm/oms/values-azure.yaml").path

    /// The rendered documents, by kind; `set` adds `--set` values, `values` a values file.
    static func render(_ set: [String] = [], values: String? = nil) async throws -> [String: [[String: Any]]] {
        let file = values.map { ["-f", $0] } ?? []
        let rendered = try await helm(["template", "edge", chart, "--namespace", "edge"] + file + set.flatMap { ["--set", $0] })
        try #require(rendered.status == 0, "\(rendered.output)")
        var byKind: [String: [[String: Any]]] = [:]
        for document in try Yams.load_all(yaml: rendered.output) {
            guard let object = document as? [String: Any], let kind = object["kind"] as? String else { continue }
            byKind[kind, default: []].append(object)
        }
        return byKind
    }

    static func name(_ object: [String: Any]) -> String { (object["metadata"] as? [String: Any])?["name"] as? String ?? "" }

    @Test func itLints() async throws {
        let lint = try await Self.helm(["lint", "--strict", Self.chart])
        #expect(lint.status == 0, "\(lint.output)")
    }

    /// Every role: probes on its port, resources, a non-root read-only container, Prometheus
    /// annotations, its configuration mounted at /etc/oms, its role as the first argument,
    /// secrets only by reference, and a graceful stop.
    @Test func everyDeploymentIsWired() async throws {
        let rendered = try await Self.render()
        let deployments = rendered["Deployment"] ?? []
        #expect(deployments.map(Self.name).sorted() == Self.roles.map { "edge-oms-\($0)" }.sorted())
        #expect(rendered["Secret"] == nil, "no secret values are rendered")
        for deployment in deployments {
            let name = Self.name(deployment)
            let role = String(name.dropFirst("edge-oms-".count))
            let template = ((deployment["spec"] as? [String: Any])?["template"] as? [String: Any]) ?? [:]
            let annotations = ((template["metadata"] as? [String: Any])?["annotations"] as? [String: Any]) ?? [:]
            let pod = (template["spec"] as? [String: Any]) ?? [:]
            let container = try #require((pod["containers"] as? [[String: Any]])?.first, "\(name)")
            let port = try #require(((container["ports"] as? [[String: Any]])?.first?["containerPort"]) as? Int)
            #expect(annotations["prometheus.io/scrape"] as? String == "true" && annotations["prometheus.io/port"] as? String == "\(port)", "\(name)")
            for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
                let get = ((container[probe] as? [String: Any])?["httpGet"] as? [String: Any]) ?? [:]
                #expect(get["path"] as? String == path && get["port"] as? String == "http", "\(name) \(probe)")
            }
            let resources = (container["resources"] as? [String: Any]) ?? [:]
            #expect(resources["requests"] != nil && resources["limits"] != nil, "\(name) resources")
            let podSecurity = (pod["securityContext"] as? [String: Any]) ?? [:]
            let security = (container["securityContext"] as? [String: Any]) ?? [:]
            #expect(podSecurity["runAsNonRoot"] as? Bool == true && (podSecurity["runAsUser"] as? Int ?? 0) > 0, "\(name)")
            #expect(security["readOnlyRootFilesystem"] as? Bool == true && security["allowPrivilegeEscalation"] as? Bool == false, "\(name)")
            #expect((container["args"] as? [String]) == [role, "--config", "/etc/oms/config.yaml"], "\(name)")
            let mounts = (container["volumeMounts"] as? [[String: Any]]) ?? []
            #expect(mounts.contains { $0["mountPath"] as? String == "/etc/oms" }, "\(name)")
            #expect((pod["terminationGracePeriodSeconds"] as? Int ?? 0) > 10, "longer than the roles' 10 s drain")
            for variable in (container["env"] as? [[String: Any]]) ?? [] {
                let variableName = variable["name"] as? String ?? ""
                let isPath = variableName.hasSuffix("_FILE") && (variable["value"] as? String)?.hasPrefix("/etc/oms-secrets/") == true
                #expect(variable["value"] == nil || !variableName.contains("PASSWORD") || isPath, "\(name): a secret as a value")
            }
        }
        let bridgeEnv = (((rendered["Deployment"] ?? []).first { Self.name($0).hasSuffix("soap-bridge") }?["spec"] as? [String: Any]).flatMap {
            (($0["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]
        }?.first?["env"] as? [[String: Any]]) ?? []
        // The password is a file from the Secret; the variable only names where it is.
        let password = bridgeEnv.first { $0["name"] as? String == "OMS_SERVICES_THUNDERHEAD_PASSWORD_FILE" }
        #expect(password?["value"] as? String == "/etc/oms-secrets/oms-thunderhead/password")
    }

    /// `secretFiles`: each Secret mounted read-only once, each item's path in the variable of
    /// its `*_file` key; no ConfigMap holds a password or a key, in the defaults and in the
    /// Azure example.
    @Test func secretsArriveAsFilesAndNeverInAConfigMap() async throws {
        for values in [nil, Self.azureValues] {
            let rendered = try await Self.render(values: values)
            for deployment in rendered["Deployment"] ?? [] {
                let pod = (((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]) ?? [:]
                let container = ((pod["containers"] as? [[String: Any]])?.first) ?? [:]
                let mounts = (container["volumeMounts"] as? [[String: Any]]) ?? []
                let volumes = (pod["volumes"] as? [[String: Any]]) ?? []
                for variable in (container["env"] as? [[String: Any]]) ?? [] where (variable["name"] as? String ?? "").hasSuffix("_FILE") {
                    let path = try #require(variable["value"] as? String)
                    let parts = path.split(separator: "/").map(String.init)
                    #expect(parts.count == 4 && parts[0] == "etc" && parts[1] == "oms-secrets", "\(path)")
                    let secret = parts[2]
                    let mount = try #require(mounts.first { $0["mountPath"] as? String == "/etc/oms-secrets/\(secret)" }, "\(path)")
                    #expect(mount["readOnly"] as? Bool == true)
                    let volume = volumes.first { $0["name"] as? String == mount["name"] as? String }
                    #expect((volume?["secret"] as? [String: Any])?["secretName"] as? String == secret, "\(path)")
                }
            }
            for map in rendered["ConfigMap"] ?? [] {
                let text = ((map["data"] as? [String: Any])?["config.yaml"] as? String) ?? ""
                for line in text.split(separator: "\n") {
                    let key = line.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                    #expect(!key.hasSuffix("password") && !key.hasSuffix("secret"), "\(Self.name(map)): \(line)")
                    // No URL with a password in its user part (postgres://user:password@…).
                    #expect(line.range(of: #"://[^/@\s]*:[^/@\s]*@"#, options: .regularExpression) == nil, "\(Self.name(map)): \(line)")
                }
            }
        }
        // A secret file for a key that takes none is refused at render time.
        let wrong = try await Self.helm(["template", "edge", Self.chart, "--set", "roles.refdata.secretFiles[0].key=redis.password", "--set", "roles.refdata.secretFiles[0].secret=s", "--set", "roles.refdata.secretFiles[0].item=i"])
        #expect(wrong.status != 0 && wrong.output.contains("redis.password takes no file"), "\(wrong.output)")
    }

    /// The Ingress sends each path to a role other than auth, asks oms auth first (auth-url on
    /// the auth Service's /auth) and passes its identity headers on; no snippets anywhere.
    @Test func theIngressAsksOmsAuthFirst() async throws {
        let rendered = try await Self.render()
        let ingress = try #require(rendered["Ingress"]?.first)
        let annotations = ((ingress["metadata"] as? [String: Any])?["annotations"] as? [String: Any]) ?? [:]
        #expect(annotations["nginx.ingress.kubernetes.io/auth-url"] as? String == "http://edge-oms-auth.edge.svc.cluster.local:8081/auth")
        #expect(annotations["nginx.ingress.kubernetes.io/auth-response-headers"] as? String == "X-Auth-Subject,X-Auth-Domain,X-Auth-Scope,X-Auth-Client")
        // One address's requests in progress are capped, as nginx-conf's limit_conn does.
        #expect(annotations["nginx.ingress.kubernetes.io/limit-connections"] as? String == "128")
        let unlimited = try #require(try await Self.render(["ingress.limitConnections=0"])["Ingress"]?.first)
        #expect(((unlimited["metadata"] as? [String: Any])?["annotations"] as? [String: Any])?["nginx.ingress.kubernetes.io/limit-connections"] == nil)
        let services = Dictionary(uniqueKeysWithValues: (rendered["Service"] ?? []).map { (Self.name($0), $0) })
        let rules = ((ingress["spec"] as? [String: Any])?["rules"] as? [[String: Any]]) ?? []
        let paths = rules.flatMap { (($0["http"] as? [String: Any])?["paths"] as? [[String: Any]]) ?? [] }
        #expect(paths.count == 4)
        for path in paths {
            let service = ((path["backend"] as? [String: Any])?["service"] as? [String: Any]) ?? [:]
            let target = service["name"] as? String ?? ""
            #expect(services[target] != nil && !target.hasSuffix("-auth"), "\(path["path"] ?? "") → \(target)")
            let port = (service["port"] as? [String: Any])?["number"] as? Int
            let servicePort = (((services[target]?["spec"] as? [String: Any])?["ports"] as? [[String: Any]])?.first?["port"]) as? Int
            #expect(port != nil && port == servicePort, "\(target)")
        }
        let all = try await Self.helm(["template", "edge", Self.chart]).output
        #expect(!all.contains("snippet"), "no snippet annotations")
        // auth-url sends the path as X-Original-URL and passes the client's headers: oms auth
        // reads that header alone (a client-sent X-Original-URI chose the path it checked).
        #expect(try Self.authServer(rendered)["path_header"] as? String == "X-Original-URL")
        let chosen = try Self.authServer(try await Self.render(["roles.auth.config.server.path_header=X-Original-URI"]))
        #expect(chosen["path_header"] as? String == "X-Original-URL", "the ingress decides which header oms auth reads")
        let noIngress = try Self.authServer(try await Self.render(["ingress.enabled=false"]))
        #expect(noIngress["path_header"] == nil && noIngress["port"] as? Int == 8081)
        // Routing to oms auth from outside is refused at render time.
        let exposed = try await Self.helm(["template", "edge", Self.chart, "--set", "ingress.paths[0].path=/auth", "--set", "ingress.paths[0].role=auth"])
        #expect(exposed.status != 0 && exposed.output.contains("never routed to from outside"), "\(exposed.output)")
    }

    /// With the console's sign-in on: /ops gets its own Ingress whose 401 sends a browser to
    /// sign in and whose upstream gets the session's token, /oauth2/ reaches oms auth's sign-in
    /// endpoints and nothing else of it, and oms auth's /ops route accepts the session.
    @Test func theConsoleSignsBrowsersIn() async throws {
        let rendered = try await Self.render(values: Self.azureValues)
        let ingresses = Dictionary(uniqueKeysWithValues: (rendered["Ingress"] ?? []).map { (Self.name($0), $0) })
        #expect(ingresses.keys.sorted() == ["edge-oms", "edge-oms-console", "edge-oms-signin"])
        func paths(_ ingress: [String: Any]?) -> [(String, String)] {
            let rules = ((ingress?["spec"] as? [String: Any])?["rules"] as? [[String: Any]]) ?? []
            return rules.flatMap { (($0["http"] as? [String: Any])?["paths"] as? [[String: Any]]) ?? [] }.map { path in
                (path["path"] as? String ?? "", (((path["backend"] as? [String: Any])?["service"] as? [String: Any])?["name"] as? String) ?? "")
            }
        }
        func annotations(_ ingress: [String: Any]?) -> [String: Any] { ((ingress?["metadata"] as? [String: Any])?["annotations"] as? [String: Any]) ?? [:] }
        #expect(!paths(ingresses["edge-oms"]).contains { $0.0 == "/ops" }, "/ops moved to the console's Ingress")
        #expect(paths(ingresses["edge-oms-console"]).map(\.0) == ["/ops"] && paths(ingresses["edge-oms-console"]).allSatisfy { $0.1 == "edge-oms-core" })
        let console = annotations(ingresses["edge-oms-console"])
        #expect(console["nginx.ingress.kubernetes.io/auth-url"] as? String == "http://edge-oms-auth.edge.svc.cluster.local:8081/auth")
        #expect((console["nginx.ingress.kubernetes.io/auth-signin"] as? String)?.hasSuffix("/oauth2/start?rd=$escaped_request_uri") == true)
        #expect(console["nginx.ingress.kubernetes.io/auth-response-headers"] as? String == "X-Auth-Subject,X-Auth-Domain,X-Auth-Scope,X-Auth-Client,Authorization,X-OMS-CSRF")
        // Only /oauth2/ of oms auth is reachable, without an auth subrequest of its own.
        #expect(paths(ingresses["edge-oms-signin"]).map(\.0) == ["/oauth2/"] && paths(ingresses["edge-oms-signin"]).allSatisfy { $0.1 == "edge-oms-auth" })
        #expect(annotations(ingresses["edge-oms-signin"])["nginx.ingress.kubernetes.io/auth-url"] == nil)
        // oms auth's rendered routes: /ops accepts the session; the APIs do not.
        let map = try #require((rendered["ConfigMap"] ?? []).first { Self.name($0) == "edge-oms-auth" })
        let text = try #require((map["data"] as? [String: Any])?["config.yaml"] as? String)
        let config = try #require(try Yams.load(yaml: text) as? [String: Any])
        let routes = (config["routes"] as? [[String: Any]]) ?? []
        #expect(routes.contains { $0["prefix"] as? String == "/ops" && $0["browser"] as? Bool == true })
        #expect(routes.filter { $0["browser"] as? Bool == true }.count == 1)
        // Off by default; on without oidc, refused at render time.
        #expect(try await Self.render()["Ingress"]?.count == 1)
        let missing = try await Self.helm(["template", "edge", Self.chart, "--set", "ingress.console.enabled=true"])
        #expect(missing.status != 0 && missing.output.contains("needs roles.auth.config.oidc"), "\(missing.output)")
    }

    /// The `server` block of the auth role's rendered config.yaml.
    static func authServer(_ rendered: [String: [[String: Any]]]) throws -> [String: Any] {
        let map = try #require((rendered["ConfigMap"] ?? []).first { name($0) == "edge-oms-auth" })
        let text = try #require((map["data"] as? [String: Any])?["config.yaml"] as? String)
        return ((try Yams.load(yaml: text) as? [String: Any])?["server"] as? [String: Any]) ?? [:]
    }

    /// The network is closed too: a default deny for every OMS pod, then per role who may
    /// connect (oms auth only the ingress controller; refdata and the bridge it and the core;
    /// the core only it) and the monitoring namespace for scraping.
    @Test func networkPoliciesCloseEveryRole() async throws {
        let policies = try #require(try await Self.render()["NetworkPolicy"])
        func spec(_ name: String) throws -> [String: Any] {
            let policy = try #require(policies.first { Self.name($0) == name }, "\(name)")
            return try #require(policy["spec"] as? [String: Any])
        }
        func selects(_ spec: [String: Any]) -> [String: String] {
            ((spec["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:]
        }
        /// Each rule's peers, as "namespace:<labels> pod:<labels>".
        func peers(_ spec: [String: Any]) -> [String] {
            ((spec["ingress"] as? [[String: Any]]) ?? []).flatMap { rule in
                ((rule["from"] as? [[String: Any]]) ?? []).map { peer in
                    let namespace = ((peer["namespaceSelector"] as? [String: Any])?["matchLabels"] as? [String: String]).map { "namespace:\($0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))" }
                    let pod = ((peer["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String]).map { "pod:\($0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))" }
                    return [namespace, pod].compactMap { $0 }.joined(separator: " ")
                }
            }.sorted()
        }
        let deny = try spec("edge-oms-default-deny")
        #expect(selects(deny) == ["app.kubernetes.io/part-of": "oms-edge", "app.kubernetes.io/instance": "edge"])
        #expect(deny["policyTypes"] as? [String] == ["Ingress"] && deny["ingress"] == nil, "no rule: nothing is let in")
        let ingress = "namespace:kubernetes.io/metadata.name=ingress-nginx pod:app.kubernetes.io/name=ingress-nginx"
        let monitoring = "namespace:kubernetes.io/metadata.name=monitoring"
        let core = "pod:app.kubernetes.io/instance=edge,app.kubernetes.io/name=oms-core"
        let expected: [String: [String]] = [
            "auth": [ingress, monitoring], "core": [ingress, monitoring],
            "refdata": [ingress, monitoring, core], "soap-bridge": [ingress, monitoring, core],
        ]
        for (role, allowed) in expected {
            let policy = try spec("edge-oms-\(role)")
            #expect(selects(policy) == ["app.kubernetes.io/name": "oms-\(role)", "app.kubernetes.io/instance": "edge"], "\(role)")
            #expect(peers(policy) == allowed.sorted(), "\(role): \(peers(policy))")
        }
        #expect(policies.count == 5)
        #expect(try await Self.render(["networkPolicy.enabled=false"])["NetworkPolicy"] == nil)
        let noScrape = try #require(try await Self.render(["networkPolicy.monitoring.enabled=false"])["NetworkPolicy"])
        #expect(noScrape.allSatisfy { !"\($0)".contains("monitoring") })
    }

    @Test func autoscalingAndDisruptionBudgetsOnlyWhenAsked() async throws {
        let plain = try await Self.render()
        #expect(plain["HorizontalPodAutoscaler"] == nil && plain["PodDisruptionBudget"] == nil)
        let asked = try await Self.render(Self.roles.flatMap { ["roles.\($0).autoscaling.enabled=true", "roles.\($0).pdb.enabled=true"] })
        #expect(asked["HorizontalPodAutoscaler"]?.count == 4 && asked["PodDisruptionBudget"]?.count == 4)
        for deployment in asked["Deployment"] ?? [] {
            #expect((deployment["spec"] as? [String: Any])?["replicas"] == nil, "the autoscaler owns replicas")
        }
    }

    /// Each role's rendered config.yaml is accepted by the built role itself (`--check`), with
    /// its Secrets' variables and files set as the pod sets them (stand-in values; for TLS
    /// files, a CA and a client certificate with its key): in the defaults and in the Azure
    /// example. A key no role knows is refused.
    @Test(arguments: [nil, HelmChartTests.azureValues])
    func everyRenderedConfigurationIsValidForItsRole(_ values: String?) async throws {
        let rendered = try await Self.render(["roles.soap-bridge.config.policies=\(Self.root.appendingPathComponent("sidecars").path)"], values: values)
        let maps = rendered["ConfigMap"] ?? []
        #expect(maps.count == 4)
        let pki = try TestPKI()
        let folder = pki.folder
        var environments: [String: [String: String]] = [:]
        for deployment in rendered["Deployment"] ?? [] {
            let containers = (((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any])?["containers"] as? [[String: Any]]
            var environment: [String: String] = [:]
            for variable in (containers?.first?["env"] as? [[String: Any]]) ?? [] {
                guard let name = variable["name"] as? String else { continue }
                if variable["valueFrom"] != nil {
                    environment[name] = name.hasSuffix("DATABASE_URL") ? "postgres://oms:secret@db.example:5432/oms" : "secret"
                } else if name.hasSuffix("_FILE"), variable["value"] is String {
                    // The file the Secret volume would hold.
                    environment[name] = switch name {
                    case _ where name.hasSuffix("TLS_CA_FILE"): pki.caFile
                    case _ where name.hasSuffix("TLS_CERT_FILE"): pki.clientCert
                    case _ where name.hasSuffix("TLS_KEY_FILE"): pki.clientKey
                    default: try Self.standIn(name, in: folder)
                    }
                }
            }
            environments[Self.name(deployment)] = environment
        }
        for map in maps {
            let role = String(Self.name(map).dropFirst("edge-oms-".count))
            let environment = environments[Self.name(map)] ?? [:]
            let text = try #require((map["data"] as? [String: Any])?["config.yaml"] as? String)
            let file = folder.appendingPathComponent("\(role).yaml")
            try Data(text.utf8).write(to: file)
            let checked = try await OMSCommand.run([role, "--config", file.path, "--check"], environment: environment)
            #expect(checked.status == 0 && checked.output.contains("configuration is valid"), "\(role): \(checked.error)\n\(text)")
            #expect(!checked.error.contains("warning"), "\(role): \(checked.error)")
            try Data((text + "\nunknown_key: 1\n").utf8).write(to: file)
            let refused = try await OMSCommand.run([role, "--config", file.path, "--check"], environment: environment)
            #expect(refused.status == 2 && refused.error.contains("unknown_key"), "\(role): \(refused.error)")
        }
    }

    /// A file holding a stand-in secret, named after its variable (a session key is 32
    /// bytes in base64, as `openssl rand -base64 32` writes it).
    static func standIn(_ variable: String, in folder: URL) throws -> String {
        let file = folder.appendingPathComponent(variable.lowercased())
        let content = variable.hasSuffix("SESSION_KEY_FILE") ? Data(repeating: 7, count: 32).base64EncodedString() + "\n" : "stand-in-secret\n"
        try Data(content.utf8).write(to: file)
        return file.path
    }

    /// The first container of a rendered Deployment's pod.
    static func container(_ deployment: [String: Any]) -> [String: Any] {
        let pod = (((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]) ?? [:]
        return ((pod["containers"] as? [[String: Any]])?.first) ?? [:]
    }

    /// A Deployment's variables that have a plain value, by name.
    static func environment(_ deployment: [String: Any]) -> [String: String] {
        let variables = (container(deployment)["env"] as? [[String: Any]]) ?? []
        let pairs = variables.compactMap { variable -> (String, String)? in
            guard let name = variable["name"] as? String, let value = variable["value"] as? String else { return nil }
            return (name, value)
        }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }

    /// Tracing is off unless asked: no collector is rendered and no role has an OTEL_*
    /// variable, so none exports.
    @Test func tracingIsOffByDefault() async throws {
        let rendered = try await Self.render()
        for kind in ["Deployment", "Service", "ConfigMap", "NetworkPolicy"] {
            let names = (rendered[kind] ?? []).map(Self.name)
            #expect(!names.contains { $0.contains("otel-collector") }, "\(kind): \(names)")
        }
        let deployments = rendered["Deployment"] ?? []
        #expect(deployments.count == Self.roles.count)
        for deployment in deployments {
            let variables = ((Self.container(deployment)["env"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            #expect(!variables.contains { $0.hasPrefix("OTEL_") }, "\(Self.name(deployment)): \(variables)")
        }
    }

    /// `otel.collector.enabled`: its ConfigMap, Deployment and Service render; its configuration
    /// takes OTLP (HTTP 4318, gRPC 4317) and sends traces, metrics and logs to Azure Monitor
    /// with the connection string the Secret gives (never a literal); it runs as the roles do;
    /// every role exports to its Service on 4318, `otel.endpoint` or not.
    @Test func theCollectorSendsEveryRolesTelemetryToAzureMonitor() async throws {
        let collector = "edge-oms-otel-collector"
        for extra in [[], ["otel.endpoint=https://collector.example:4318"]] {
            let rendered = try await Self.render(["otel.collector.enabled=true"] + extra)
            let map = try #require((rendered["ConfigMap"] ?? []).first { Self.name($0) == collector }, "\(extra)")
            let text = try #require((map["data"] as? [String: Any])?["config.yaml"] as? String)
            let config = try #require(try Yams.load(yaml: text) as? [String: Any], "\(text)")
            let protocols = (((config["receivers"] as? [String: Any])?["otlp"] as? [String: Any])?["protocols"] as? [String: Any]) ?? [:]
            #expect((protocols["http"] as? [String: Any])?["endpoint"] as? String == "0.0.0.0:4318")
            #expect((protocols["grpc"] as? [String: Any])?["endpoint"] as? String == "0.0.0.0:4317")
            let azure = (config["exporters"] as? [String: Any])?["azuremonitor"] as? [String: Any]
            #expect(azure?["connection_string"] as? String == "${env:APPLICATIONINSIGHTS_CONNECTION_STRING}")
            #expect(!text.contains("InstrumentationKey"), "no connection string in the ConfigMap")
            let service = (config["service"] as? [String: Any]) ?? [:]
            let pipelines = (service["pipelines"] as? [String: Any]) ?? [:]
            for signal in ["traces", "metrics", "logs"] {
                let pipeline = (pipelines[signal] as? [String: Any]) ?? [:]
                #expect(pipeline["receivers"] as? [String] == ["otlp"], "\(signal)")
                #expect(pipeline["processors"] as? [String] == ["memory_limiter", "batch"], "\(signal)")
                #expect(pipeline["exporters"] as? [String] == ["azuremonitor"], "\(signal)")
            }
            #expect(service["extensions"] as? [String] == ["health_check"])
            let health = ((config["extensions"] as? [String: Any])?["health_check"] as? [String: Any])?["endpoint"] as? String
            #expect(health == "0.0.0.0:13133")

            let deployment = try #require((rendered["Deployment"] ?? []).first { Self.name($0) == collector })
            let pod = (((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any]) ?? [:]
            let container = Self.container(deployment)
            #expect(container["image"] as? String == "otel/opentelemetry-collector-contrib:0.115.1")
            let podSecurity = (pod["securityContext"] as? [String: Any]) ?? [:]
            let security = (container["securityContext"] as? [String: Any]) ?? [:]
            #expect(podSecurity["runAsNonRoot"] as? Bool == true && (podSecurity["runAsUser"] as? Int ?? 0) > 0)
            #expect(security["readOnlyRootFilesystem"] as? Bool == true && security["allowPrivilegeEscalation"] as? Bool == false)
            #expect((security["capabilities"] as? [String: Any])?["drop"] as? [String] == ["ALL"])
            let variables = (container["env"] as? [[String: Any]]) ?? []
            #expect(variables.allSatisfy { $0["value"] == nil }, "the collector's variables are references only")
            let connection = try #require(variables.first { $0["name"] as? String == "APPLICATIONINSIGHTS_CONNECTION_STRING" })
            let reference = ((connection["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any]) ?? [:]
            #expect(reference["name"] as? String == "oms-appinsights" && reference["key"] as? String == "connection-string", "\(connection)")
            let ports = (container["ports"] as? [[String: Any]]) ?? []
            #expect(ports.first { $0["name"] as? String == "health" }?["containerPort"] as? Int == 13133)
            for probe in ["livenessProbe", "readinessProbe"] {
                let get = ((container[probe] as? [String: Any])?["httpGet"] as? [String: Any]) ?? [:]
                #expect(get["port"] as? String == "health", "\(probe)")
            }
            #expect((container["args"] as? [String]) == ["--config=/etc/otelcol-contrib/config.yaml"])
            let mount = ((container["volumeMounts"] as? [[String: Any]]) ?? []).first { $0["mountPath"] as? String == "/etc/otelcol-contrib" }
            let volume = ((pod["volumes"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == mount?["name"] as? String }
            #expect((volume?["configMap"] as? [String: Any])?["name"] as? String == collector, "the config is the ConfigMap's")

            let serviceObject = try #require((rendered["Service"] ?? []).first { Self.name($0) == collector })
            let servicePorts = ((serviceObject["spec"] as? [String: Any])?["ports"] as? [[String: Any]]) ?? []
            let portsByName = Dictionary(servicePorts.map { ($0["name"] as? String ?? "", $0["port"] as? Int ?? 0) }, uniquingKeysWith: { first, _ in first })
            #expect(portsByName == ["otlp-http": 4318, "otlp-grpc": 4317])
            let selector = ((serviceObject["spec"] as? [String: Any])?["selector"] as? [String: String]) ?? [:]
            #expect(selector == ["app.kubernetes.io/name": "oms-otel-collector", "app.kubernetes.io/instance": "edge"])

            let roles = (rendered["Deployment"] ?? []).filter { Self.name($0) != collector }
            #expect(roles.map(Self.name).sorted() == Self.roles.map { "edge-oms-\($0)" }.sorted())
            for deployment in roles {
                let role = String(Self.name(deployment).dropFirst("edge-oms-".count))
                let environment = Self.environment(deployment)
                #expect(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://\(collector):4318", "\(role) \(extra)")
                #expect(environment["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf", "\(role)")
                #expect(environment["OTEL_SERVICE_NAME"] == "oms-\(role)", "\(role)")
            }
        }
    }

    /// `otel.endpoint` with the collector off: every role exports there, with its service name
    /// and the sampler; resource attributes only as written, none of the chart's own.
    @Test func anEndpointSendsEveryRoleThere() async throws {
        let endpoint = "https://collector.example:4318"
        let rendered = try await Self.render(["otel.endpoint=\(endpoint)"])
        #expect(!(rendered["Deployment"] ?? []).contains { Self.name($0).contains("otel-collector") })
        #expect(!(rendered["Service"] ?? []).contains { Self.name($0).contains("otel-collector") })
        let deployments = rendered["Deployment"] ?? []
        #expect(deployments.count == Self.roles.count)
        for deployment in deployments {
            let role = String(Self.name(deployment).dropFirst("edge-oms-".count))
            let environment = Self.environment(deployment)
            #expect(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == endpoint, "\(role)")
            #expect(environment["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf", "\(role)")
            #expect(environment["OTEL_SERVICE_NAME"] == "oms-\(role)", "\(role)")
            #expect(environment["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio", "\(role)")
            #expect(environment["OTEL_TRACES_SAMPLER_ARG"] == "0.01", "\(role)")
            #expect(environment["OTEL_RESOURCE_ATTRIBUTES"] == nil, "\(role): the chart adds no attribute of its own")
        }
        let tuned = try await Self.render([
            "otel.endpoint=\(endpoint)", "otel.sampler=always_on", "otel.samplerArg=0.5",
            "otel.resourceAttributes=deployment.environment=staging",
        ])
        #expect((tuned["Deployment"] ?? []).count == Self.roles.count)
        for deployment in tuned["Deployment"] ?? [] {
            let environment = Self.environment(deployment)
            #expect(environment["OTEL_TRACES_SAMPLER"] == "always_on" && environment["OTEL_TRACES_SAMPLER_ARG"] == "0.5", "\(Self.name(deployment))")
            #expect(environment["OTEL_RESOURCE_ATTRIBUTES"] == "deployment.environment=staging", "\(Self.name(deployment))")
        }
    }

    /// With the collector and the NetworkPolicies on: the default deny covers the collector, it
    /// takes OTLP (4318, 4317) from this release's enabled roles only, and sends only to HTTPS
    /// (Azure Monitor) and DNS. The roles' policies stay ingress-only, so they reach it.
    @Test func onlyTheRolesReachTheCollector() async throws {
        let rendered = try await Self.render(["otel.collector.enabled=true"])
        let policies = rendered["NetworkPolicy"] ?? []
        #expect(policies.count == 6)
        let policy = try #require(policies.first { Self.name($0) == "edge-oms-otel-collector" })
        let spec = (policy["spec"] as? [String: Any]) ?? [:]
        let selected = ((spec["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:]
        #expect(selected == ["app.kubernetes.io/name": "oms-otel-collector", "app.kubernetes.io/instance": "edge"])
        let deployment = try #require((rendered["Deployment"] ?? []).first { Self.name($0) == "edge-oms-otel-collector" })
        let podLabels = ((((deployment["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["labels"] as? [String: String]) ?? [:]
        let deny = policies.first { Self.name($0) == "edge-oms-default-deny" }
        let denied = (((deny?["spec"] as? [String: Any])?["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:]
        #expect(!denied.isEmpty && denied.allSatisfy { podLabels[$0.key] == $0.value }, "the default deny selects the collector: \(podLabels)")
        #expect(selected.allSatisfy { podLabels[$0.key] == $0.value }, "\(podLabels)")
        #expect(spec["policyTypes"] as? [String] == ["Ingress", "Egress"])

        let rules = (spec["ingress"] as? [[String: Any]]) ?? []
        #expect(rules.count == 1)
        let peers = (rules.first?["from"] as? [[String: Any]]) ?? []
        #expect(peers.allSatisfy { $0.keys.sorted() == ["podSelector"] }, "no namespace, no address block: \(peers)")
        let allowed = peers.map { (($0["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String]) ?? [:] }
        let roles = Self.roles.map { ["app.kubernetes.io/name": "oms-\($0)", "app.kubernetes.io/instance": "edge"] }
        #expect(allowed.count == roles.count && Set(allowed) == Set(roles), "\(allowed)")
        let ports = ((rules.first?["ports"] as? [[String: Any]]) ?? []).map { "\($0["protocol"] as? String ?? "")/\($0["port"] as? Int ?? 0)" }
        #expect(ports.sorted() == ["TCP/4317", "TCP/4318"])

        let egress = (spec["egress"] as? [[String: Any]]) ?? []
        #expect(egress.allSatisfy { $0["ports"] != nil }, "every egress rule names its ports")
        let out = egress.flatMap { ($0["ports"] as? [[String: Any]]) ?? [] }.map { "\($0["protocol"] as? String ?? "")/\($0["port"] as? Int ?? 0)" }
        #expect(out.sorted() == ["TCP/443", "TCP/53", "UDP/53"])

        for role in Self.roles {
            let own = policies.first { Self.name($0) == "edge-oms-\(role)" }
            #expect((own?["spec"] as? [String: Any])?["policyTypes"] as? [String] == ["Ingress"], "\(role)")
        }
        // A role that is off is not let in.
        let withoutCore = try await Self.render(["otel.collector.enabled=true", "roles.core.enabled=false"])
        let trimmed = (withoutCore["NetworkPolicy"] ?? []).first { Self.name($0) == "edge-oms-otel-collector" }
        let trimmedRules = ((trimmed?["spec"] as? [String: Any])?["ingress"] as? [[String: Any]]) ?? []
        let trimmedNames = ((trimmedRules.first?["from"] as? [[String: Any]]) ?? []).compactMap {
            (($0["podSelector"] as? [String: Any])?["matchLabels"] as? [String: String])?["app.kubernetes.io/name"]
        }
        #expect(trimmedNames.sorted() == ["oms-auth", "oms-refdata", "oms-soap-bridge"])
        #expect(try await Self.render(["otel.collector.enabled=true", "networkPolicy.enabled=false"])["NetworkPolicy"] == nil)
    }
}

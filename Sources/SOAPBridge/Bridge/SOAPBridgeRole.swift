import Access
import Curl
import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `oms soap-bridge`: REST/JSON routes from the policies, each calling its SOAP operation.
public struct SOAPBridgeRole: HTTPRole {
    public let configuration: BridgeConfiguration
    public let metrics: MetricsRegistry
    public let logger: Logger
    private let calls: [BridgeCall]
    private let http: CurlClient
    private let access: AccessControl

    /// Loads the access check's keys and every policy; keys that cannot be used, or a bad
    /// policy, stop start-up with one clear line.
    public static func start(
        configuration: BridgeConfiguration, metrics: MetricsRegistry = MetricsRegistry(), http: CurlClient = CurlClient(),
        logger: Logger = Logger(label: "oms.soap-bridge")
    ) async throws -> SOAPBridgeRole {
        let access = try await AccessControl.start(configuration.access, metrics: metrics, logger: logger)
        do {
            return try SOAPBridgeRole(configuration: configuration, metrics: metrics, http: http, access: access, logger: logger)
        } catch {
            await access.shutdown()
            throw error
        }
    }

    private init(configuration: BridgeConfiguration, metrics: MetricsRegistry, http: CurlClient, access: AccessControl, logger: Logger) throws(ConfigError) {
        var calls: [BridgeCall] = []
        for (service, upstream) in configuration.services.sorted(by: { $0.key < $1.key }) {
            let policy = try PolicyLoader.load(service: service, folder: configuration.policiesFolder)
            for route in policy.routes {
                calls.append(BridgeCall(policy: policy, route: route, upstream: upstream, http: http, limits: configuration.xmlLimits))
            }
        }
        self.configuration = configuration
        self.metrics = metrics
        self.calls = calls
        self.http = http
        self.access = access
        self.logger = logger
    }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let probe = UpstreamProbe(services: configuration.services, http: http)
        let access = self.access
        let router = Router.edge(metrics: metrics) {
            var state = await probe.readiness()
            if let keys = await access.problem() {
                // Every caller would get 401: not ready.
                state = Readiness(ready: false, checks: state.checks.merging(["access": keys]) { $1 })
            }
            return state
        }
        let maxBody = configuration.maxBodyBytes
        for call in calls {
            let route = call.route
            let counters = RouteCounters(registry: metrics, route: route.name)
            let checked = router.group().add(middleware: access.middleware(route.name))
            checked.on(RouterPath(route.path.routerPath), method: HTTPRequest.Method(route.method)!) { request, context in
                let started = ContinuousClock.now
                var body: [UInt8] = []
                if route.takesBody {
                    do {
                        body = Array(buffer: try await request.body.collect(upTo: maxBody))
                    } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                        counters.record(status: 413, duration: ContinuousClock.now - started)
                        let refusal = BridgeError(status: 413, code: "body_too_large", message: "the body is larger than \(maxBody) bytes")
                        return Self.json(refusal.status, refusal.json)
                    }
                }
                var parameters: [String: String] = [:]
                for name in route.path.parameters { parameters[name] = context.parameters.get(name) ?? "" }
                let requestID = context.requestID
                let (status, json) = await call.perform(body: body, parameters: parameters, requestID: requestID)
                counters.record(status: status, duration: ContinuousClock.now - started)
                if status >= 500 || status == 422 {
                    context.logger.warning("upstream call failed", metadata: ["route": .string(route.name), "status": .stringConvertible(status)])
                }
                return Self.json(status, json)
            }
        }
        return router.application(server: configuration.server, logger: logger, onListening: onListening)
    }

    public func shutdown() async {
        await http.shutdown()
        await access.shutdown()
    }

    static func json(_ status: Int, _ text: String) -> Response {
        Response.json(HTTPResponse.Status(code: status), text)
    }
}

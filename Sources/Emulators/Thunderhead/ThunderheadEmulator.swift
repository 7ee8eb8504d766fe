import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SOAP
import Synchronization
import XML

/// Emulates SmartComm Thunderhead's JobAPI (document/literal wrapped SOAP 1.1 and 1.2):
/// the WSDL at `…/JobAPIWebWrapped?wsdl`, the four operations at `…/JobAPIWebWrapped`.
public struct ThunderheadEmulator: HTTPRole {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public let configuration: ThunderheadEmulatorConfiguration
    public let logger: Logger
    private let wsdl: ServedWSDL
    private let api: ThunderheadJobAPI
    private let batches: ThunderheadBatches
    private let outage = ThunderheadOutage()
    private let metrics: MetricsRegistry

    public init(configuration: ThunderheadEmulatorConfiguration, metrics: MetricsRegistry = MetricsRegistry(), logger: Logger = Logger(label: "oms.emulate.thunderhead")) throws(LoadError) {
        self.logger = logger
        guard let wsdl = FileManager.default.contents(atPath: configuration.wsdlFile) else {
            throw LoadError(description: "wsdl \(configuration.wsdlFile): cannot read the file")
        }
        self.configuration = configuration
        self.wsdl = ServedWSDL(Array(wsdl))
        self.batches = ThunderheadBatches(completeAfterMs: configuration.completeAfterMs)
        self.api = ThunderheadJobAPI(batches: batches)
        self.metrics = metrics
    }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router.edge(metrics: metrics) { Readiness(ready: true) }
        let wsdl = self.wsdl
        let server = configuration.server
        let listening = ListeningPort()
        router.get(RouterPath(ThunderheadEmulatorConfiguration.path)) { request, _ in
            guard request.uri.queryParameters["wsdl"] != nil || request.uri.query == "wsdl" else {
                return Response(status: .methodNotAllowed)
            }
            let host = server.host.contains(":") ? "[\(server.host)]" : server.host
            let served = wsdl.bytes(authority: request.head.authority, fallback: "\(host):\(listening.port ?? server.port)")
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: served)))
        }
        ThunderheadAdminRoutes(outage: outage, batches: batches).add(to: router)
        metrics.describe("oms_thunderhead_emulator_calls_total", "SOAP calls the Thunderhead emulator answered.")
        let endpoint = SOAPEndpoint(api: api, configuration: configuration, outage: outage, calls: metrics.counter("oms_thunderhead_emulator_calls_total"))
        router.post(RouterPath(ThunderheadEmulatorConfiguration.path)) { request, _ in
            let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
            let response = endpoint.answer(Array(buffer: body), headers: request.headers)
            let delay = outage.delayMs.withLock { $0 }
            if delay > 0 { try await Task.sleep(for: .milliseconds(delay)) }
            return response
        }
        return router.application(server: configuration.server, logger: logger) { port in
            listening.set(port)
            await onListening(port)
        }
    }
}

/// The port the server got (server.port 0 asks for any).
private final class ListeningPort: Sendable {
    private let value = Mutex<Int?>(nil)
    var port: Int? { value.withLock { $0 } }
    func set(_ port: Int) { value.withLock { $0 = port } }
}

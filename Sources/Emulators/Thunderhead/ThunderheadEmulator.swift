import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SOAP
import XML

/// Emulates SmartComm Thunderhead's JobAPI (document/literal wrapped SOAP 1.1 and 1.2):
/// the WSDL at `…/JobAPIWebWrapped?wsdl`, the four operations at `…/JobAPIWebWrapped`.
public struct ThunderheadEmulator: Sendable {
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    public let configuration: ThunderheadEmulatorConfiguration
    private let wsdl: [UInt8]
    private let api: ThunderheadJobAPI
    private let batches: ThunderheadBatches
    private let outage = ThunderheadOutage()
    private let metrics: MetricsRegistry

    public init(configuration: ThunderheadEmulatorConfiguration, metrics: MetricsRegistry = MetricsRegistry()) throws(LoadError) {
        guard let wsdl = FileManager.default.contents(atPath: configuration.wsdlFile) else {
            throw LoadError(description: "wsdl \(configuration.wsdlFile): cannot read the file")
        }
        self.configuration = configuration
        self.wsdl = Array(wsdl)
        self.batches = ThunderheadBatches(completeAfterMs: configuration.completeAfterMs)
        self.api = ThunderheadJobAPI(batches: batches)
        self.metrics = metrics
    }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: EdgeRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.addOperationalRoutes(metrics: metrics) { Readiness(ready: true) }
        let wsdl = self.wsdl
        router.get(RouterPath(ThunderheadEmulatorConfiguration.path)) { request, _ in
            guard request.uri.queryParameters["wsdl"] != nil || request.uri.query == "wsdl" else {
                return Response(status: .methodNotAllowed)
            }
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: wsdl)))
        }
        ThunderheadAdminRoutes(outage: outage, batches: batches).add(to: router)
        let endpoint = SOAPEndpoint(api: api, configuration: configuration, outage: outage, calls: metrics.counter("oms_thunderhead_emulator_calls_total"))
        router.post(RouterPath(ThunderheadEmulatorConfiguration.path)) { request, _ in
            let body = try await request.body.collect(upTo: configuration.maxBodyBytes)
            return endpoint.answer(Array(buffer: body), headers: request.headers)
        }
        return router.application(server: configuration.server, logger: logger, onListening: onListening)
    }
}

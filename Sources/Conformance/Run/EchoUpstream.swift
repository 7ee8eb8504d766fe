import EdgeRuntime
import Hummingbird
import JSON
import Logging

/// The upstream the suite can start behind the gateway's protected path: it answers every
/// request with what it received (`{"method", "uri", "headers": {name: [values]}}`), so a
/// case can check what crossed the gateway, such as identity headers it must have replaced.
public struct EchoUpstream: Sendable {
    public let server: ServerSettings

    public init(server: ServerSettings) {
        self.server = server
    }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: EdgeRequestContext.self)
        router.on("/**", method: .get) { request, _ in Self.echo(request) }
        router.on("/**", method: .post) { request, _ in Self.echo(request) }
        router.on("/", method: .get) { request, _ in Self.echo(request) }
        return router.application(server: server, logger: logger, onListening: onListening)
    }

    private static func echo(_ request: Request) -> Response {
        var headers: [String: JSONValue] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = .array((headers[name]?.arrayValue ?? []) + [.string(field.value)])
        }
        let body = JSONValue.object([
            "method": .string(request.method.rawValue), "uri": .string(request.uri.description), "headers": .object(headers),
        ]).serializedBytes()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The headers an echo answer reports, by lower-case name; nil when the body is not one.
    static func headers(in body: [UInt8]) -> [String: [String]]? {
        guard let object = (try? StrictJSON.parse(body))?["headers"]?.objectValue else { return nil }
        return object.mapValues { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
    }
}

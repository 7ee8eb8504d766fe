import EdgeRuntime
import Hummingbird
import JSON
import Logging
import Synchronization

/// The upstream the suite can start behind the gateway's protected path: it answers every
/// request with what it received (`{"method", "uri", "headers": {name: [values]}}`), so a
/// case can check what crossed the gateway, such as identity headers it must have replaced.
///
/// It also plays the attacker's key server: `GET /.oms-conformance/jwks.json` serves the
/// stranger's public key, the address the `jku` case points at, and counts every fetch, so a
/// case can tell whether the gateway went and got it.
public final class EchoUpstream: Sendable {
    public static let attackerPath = "/.oms-conformance/jwks.json"

    public let server: ServerSettings
    let attackerJWKS: [UInt8]
    private let fetched = Atomic<Int>(0)

    public init(server: ServerSettings, keys: ForgeKeys) {
        self.server = server
        self.attackerJWKS = keys.strangerJWKS
    }

    /// How many times the attacker's JWKS was fetched so far.
    var fetches: Int { fetched.load(ordering: .acquiring) }

    /// Its URL as the gateway would reach it.
    public var attackerURL: String { "http://\(server.host):\(server.port)\(Self.attackerPath)" }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: EdgeRequestContext.self)
        router.get(RouterPath(Self.attackerPath)) { _, _ in
            self.fetched.add(1, ordering: .acquiringAndReleasing)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: self.attackerJWKS)))
        }
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

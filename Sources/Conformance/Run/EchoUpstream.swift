import EdgeRuntime
import HTTPTypes
import Hummingbird
import JSON
import Logging
import Synchronization

/// The upstream the suite can start behind the gateway's protected path: it answers every
/// request with what it received (`{"method", "uri", "headers": {name: [values]}}`), so a
/// case can check what crossed the gateway, such as identity headers it must have replaced.
///
/// It also plays the attacker's server: `GET /.oms-conformance/jwks.json` serves the
/// stranger's public key, the address the `jku` case points at, and
/// `GET /.oms-conformance/entity` a text an external XML entity may point at. It counts every
/// fetch of either, so a case can tell whether the target went and got it.
///
/// And it plays a hostile SOAP service behind the SOAP bridge: a request whose `X-Request-Id`
/// a case staged gets that case's answer, and its body is kept for the case to inspect.
public final class EchoUpstream: Sendable {
    public static let attackerPath = "/.oms-conformance/jwks.json"
    public static let entityPath = "/.oms-conformance/entity"
    /// What the entity path serves: a case finding it in an answer knows the entity was loaded.
    static let entityText = "OMS-CONFORMANCE-ENTITY-LOADED"
    /// The largest request body kept for a staged answer.
    static let maxKeptBody = 16 << 20

    public let server: ServerSettings
    let attackerJWKS: [UInt8]
    /// The attacker's paths fetched so far, in order.
    private let fetched = Mutex<[String]>([])
    private let staged = Mutex<[String: Staged]>([:])

    struct Staged {
        let status: Int
        let contentType: String
        let body: [UInt8]
        var received: [UInt8]?
    }

    public init(server: ServerSettings, keys: ForgeKeys) {
        self.server = server
        self.attackerJWKS = keys.strangerJWKS
    }

    /// How many times the attacker's JWKS or entity was fetched so far.
    var fetches: Int { fetched.withLock { $0.count } }

    /// The paths of the attacker's resources fetched after the first `count` fetches, each once.
    func fetchedPaths(after count: Int) -> [String] {
        let paths = fetched.withLock { Array($0.dropFirst(count)) }
        return paths.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Its URL as the gateway would reach it.
    public var attackerURL: String { "http://\(server.host):\(server.port)\(Self.attackerPath)" }
    public var entityURL: String { "http://\(server.host):\(server.port)\(Self.entityPath)" }

    /// The answer to the request that carries `X-Request-Id: id`, until `collect(id)`.
    func stage(_ id: String, status: Int, contentType: String, body: [UInt8]) {
        staged.withLock { $0[id] = Staged(status: status, contentType: contentType, body: body) }
    }

    /// Ends a staging: the body the request brought, nil when none came.
    func collect(_ id: String) -> [UInt8]? {
        staged.withLock { $0.removeValue(forKey: id)?.received }
    }

    public func application(logger: Logger, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router(context: EdgeRequestContext.self)
        router.get(RouterPath(Self.attackerPath)) { _, _ in
            self.fetched.withLock { $0.append(Self.attackerPath) }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: self.attackerJWKS)))
        }
        router.get(RouterPath(Self.entityPath)) { _, _ in
            self.fetched.withLock { $0.append(Self.entityPath) }
            return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: Self.entityText)))
        }
        router.on("/**", method: .get) { request, _ in Self.echo(request) }
        router.on("/**", method: .post) { request, _ in
            guard let id = request.headers[HTTPField.Name("X-Request-Id")!], self.staged.withLock({ $0[id] != nil }) else { return Self.echo(request) }
            return await self.answerStaged(id, request)
        }
        router.on("/", method: .get) { request, _ in Self.echo(request) }
        return router.application(server: server, logger: logger, onListening: onListening)
    }

    private func answerStaged(_ id: String, _ request: Request) async -> Response {
        let body = (try? await request.body.collect(upTo: Self.maxKeptBody)).map { Array(buffer: $0) } ?? Array("(over \(Self.maxKeptBody) bytes)".utf8)
        let answer = staged.withLock { entries -> Staged? in
            entries[id]?.received = body
            return entries[id]
        }
        guard let answer else { return Self.echo(request) }
        return Response(
            status: .init(code: answer.status), headers: [.contentType: answer.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
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

import EdgeRuntime
import Foundation
import HTTPTypes
import Hummingbird
import JSON
import Logging
import Synchronization

/// The upstream the suite can start behind the gateway's protected path: it answers every
/// request with what it received (`{"method", "uri", "headers": {name: [values]}}`), so a
/// case can check what crossed the gateway, such as identity headers it must have replaced.
///
/// It also plays the attacker's server (`AttackerResource`): the stranger's public key at the
/// address the `jku` cases point at, a certificate for `x5u`, and a text an external XML entity
/// may point at. It counts every fetch, so a case can tell whether the target went and got one.
///
/// And it plays a hostile SOAP service behind the SOAP bridge: a request whose `X-Request-Id`
/// a case staged gets that case's answer, and its body is kept for the case to inspect.
public final class EchoUpstream: Sendable {
    /// What the entity serves: a case finding it in an answer knows the entity was loaded.
    static let entityText = "OMS-CONFORMANCE-ENTITY-LOADED"
    /// The largest request body kept for a staged answer.
    static let maxKeptBody = 16 << 20

    public let server: ServerSettings
    let attackerJWKS: [UInt8]
    /// Names this run's echo in every echoed answer, so the suite can tell its own echo behind
    /// `--path` from any other upstream that reflects headers.
    let marker = UUID().uuidString
    /// The port it listens on, once it does (`server.port` may be 0: any free one).
    private let boundPort = Mutex<Int?>(nil)
    /// The attacker's resources fetched so far, in order.
    private let fetchLog = Mutex<[AttackerResource]>([])
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

    /// How many times any of the attacker's resources was fetched so far.
    var fetches: Int { fetchLog.withLock { $0.count } }

    /// The attacker's resources fetched after the first `count` fetches, each once.
    func fetched(after count: Int) -> [AttackerResource] {
        let resources = fetchLog.withLock { Array($0.dropFirst(count)) }
        return resources.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    /// Where it listens, as `host:port` (the port it got when `server.port` was 0).
    public var address: String {
        let host = server.host.contains(":") ? "[\(server.host)]" : server.host
        return "\(host):\(boundPort.withLock { $0 } ?? server.port)"
    }

    /// Records the port it got; the application's `onListening` calls it.
    func listened(on port: Int) {
        boundPort.withLock { $0 = port }
    }

    /// The attacker's resources under `base` (`http://host:port`, as the target reaches the
    /// echo upstream).
    public static func attackerURLs(base: String) -> [AttackerResource: String] {
        let trimmed = base.hasSuffix("/") ? String(base.dropLast()) : base
        return Dictionary(uniqueKeysWithValues: AttackerResource.allCases.map { ($0, "\(trimmed)\($0.path)") })
    }

    /// Whether `body` is an echoed answer of the echo upstream that carries `marker`.
    static func isOwnAnswer(_ body: [UInt8], marker: String) -> Bool {
        (try? StrictJSON.parse(body))?["echo"]?.stringValue == marker
    }

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
        for resource in AttackerResource.allCases {
            let (contentType, body) = served(resource)
            router.get(RouterPath(resource.path)) { _, _ in
                self.fetchLog.withLock { $0.append(resource) }
                return Response(status: .ok, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: body)))
            }
        }
        router.on("/**", method: .post) { request, _ in
            guard let id = request.headers[HTTPField.Name("X-Request-Id")!], self.staged.withLock({ $0[id] != nil }) else { return self.echo(request) }
            return await self.answerStaged(id, request)
        }
        // Any other method a route case may be given (`--route PATCH:…`) is echoed as well.
        for method in [HTTPRequest.Method.get, .put, .patch, .delete, .options] {
            router.on("/**", method: method) { request, _ in self.echo(request) }
            router.on("/", method: method) { request, _ in self.echo(request) }
        }
        return router.application(server: server, logger: logger) { port in
            self.listened(on: port)
            await onListening(port)
        }
    }

    /// What a resource serves. The certificate is not a real one: the fetch is the finding.
    private func served(_ resource: AttackerResource) -> (contentType: String, body: [UInt8]) {
        switch resource {
        case .jwks: ("application/json", attackerJWKS)
        case .certificate: ("application/x-pem-file", Array("-----BEGIN CERTIFICATE-----\n\(Self.entityText)\n-----END CERTIFICATE-----\n".utf8))
        case .entity: ("text/plain", Array(Self.entityText.utf8))
        }
    }

    private func answerStaged(_ id: String, _ request: Request) async -> Response {
        let body = (try? await request.body.collect(upTo: Self.maxKeptBody)).map { Array(buffer: $0) } ?? Array("(over \(Self.maxKeptBody) bytes)".utf8)
        let answer = staged.withLock { entries -> Staged? in
            entries[id]?.received = body
            return entries[id]
        }
        guard let answer else { return self.echo(request) }
        return Response(
            status: .init(code: answer.status), headers: [.contentType: answer.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }

    private func echo(_ request: Request) -> Response {
        var headers: [String: JSONValue] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = .array((headers[name]?.arrayValue ?? []) + [.string(field.value)])
        }
        let body = JSONValue.object([
            "echo": .string(marker), "method": .string(request.method.rawValue), "uri": .string(request.uri.description), "headers": .object(headers),
        ]).serializedBytes()
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The headers an echo answer reports, by lower-case name; nil when the body is not one.
    static func headers(in body: [UInt8]) -> [String: [String]]? {
        guard let object = (try? StrictJSON.parse(body))?["headers"]?.objectValue else { return nil }
        return object.mapValues { $0.arrayValue?.compactMap(\.stringValue) ?? [] }
    }
}

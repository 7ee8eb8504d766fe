import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An OTLP/HTTP trace receiver on loopback: it takes `POST /v1/traces` in protobuf (the
/// exporters' default) or JSON, decodes every span, and keeps them for the test to read.
public final class OTLPReceiver: Sendable {
    public struct Span: Sendable, CustomStringConvertible {
        public var service: String
        public var traceID: String
        public var spanID: String
        /// Empty for a root span.
        public var parentSpanID: String
        public var name: String
        /// OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer.
        public var kind: Int
        public var attributes: [String: String]
        /// OTLP's status code: 0 unset, 1 ok, 2 error.
        public var statusCode: Int

        public var description: String {
            "\(service) \(name) kind=\(kind) trace=\(traceID) span=\(spanID) parent=\(parentSpanID) \(attributes)"
        }
    }

    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel
    private let received = Mutex<[Span]>([])
    private let posts = Mutex(0)

    public init() async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let box = ReceiverBox()
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(Handler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
        box.receiver.withLock { $0 = self }
    }

    public var endpoint: String { "http://127.0.0.1:\(port)" }

    public var spans: [Span] { received.withLock { $0 } }
    /// How many export requests arrived.
    public var requests: Int { posts.withLock { $0 } }

    /// Waits until `condition` holds for the spans received, at most `timeout`; the spans then.
    public func waitFor(timeout: Duration = .seconds(20), _ condition: ([Span]) -> Bool) async throws -> [Span] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let now = spans
            if condition(now) { return now }
            try await Task.sleep(for: .milliseconds(50))
        }
        return spans
    }

    public func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }

    fileprivate func accept(_ body: [UInt8], json: Bool) -> Bool {
        posts.withLock { $0 += 1 }
        guard let spans = json ? OTLPJSON.spans(body) : OTLPProtobuf.spans(body) else { return false }
        received.withLock { $0 += spans }
        return true
    }

    private final class ReceiverBox: Sendable {
        let receiver = Mutex<OTLPReceiver?>(nil)
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let box: ReceiverBox
        var head: HTTPRequestHead?
        var body: [UInt8] = []

        init(box: ReceiverBox) { self.box = box }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let value):
                head = value
                body = []
            case .body(var buffer):
                body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                guard let head else { return }
                let json = head.headers["Content-Type"].first?.contains("json") ?? false
                let ok = head.method == .POST && head.uri == "/v1/traces" && (box.receiver.withLock { $0 }?.accept(body, json: json) ?? false)
                var headers = HTTPHeaders()
                headers.add(name: "Content-Type", value: json ? "application/json" : "application/x-protobuf")
                let answer: [UInt8] = ok && json ? Array("{}".utf8) : []
                headers.add(name: "Content-Length", value: "\(answer.count)")
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: ok ? .ok : .badRequest, headers: headers))), promise: nil)
                if !answer.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: answer)))), promise: nil) }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                self.head = nil
            }
        }
    }
}

/// `ExportTraceServiceRequest` in protobuf, read field by field (only what the tests look at).
enum OTLPProtobuf {
    static func spans(_ bytes: [UInt8]) -> [OTLPReceiver.Span]? {
        var spans: [OTLPReceiver.Span] = []
        guard let request = fields(bytes[...]) else { return nil }
        for (number, value) in request where number == 1 {  // resource_spans
            guard case .bytes(let resourceSpans) = value, let resourceFields = fields(resourceSpans) else { return nil }
            var service = ""
            for (number, value) in resourceFields where number == 1 {  // resource
                guard case .bytes(let resource) = value, let attributes = attributes(of: resource, field: 1) else { return nil }
                service = attributes["service.name"] ?? ""
            }
            for (number, value) in resourceFields where number == 2 {  // scope_spans
                guard case .bytes(let scopeSpans) = value, let scopeFields = fields(scopeSpans) else { return nil }
                for (number, value) in scopeFields where number == 2 {  // spans
                    guard case .bytes(let span) = value, let decoded = self.span(span, service: service) else { return nil }
                    spans.append(decoded)
                }
            }
        }
        return spans
    }

    private static func span(_ bytes: ArraySlice<UInt8>, service: String) -> OTLPReceiver.Span? {
        guard let spanFields = fields(bytes), let attributes = attributes(of: bytes, field: 9) else { return nil }
        var span = OTLPReceiver.Span(service: service, traceID: "", spanID: "", parentSpanID: "", name: "", kind: 0, attributes: attributes, statusCode: 0)
        for (number, value) in spanFields {
            switch (number, value) {
            case (1, .bytes(let id)): span.traceID = hex(id)
            case (2, .bytes(let id)): span.spanID = hex(id)
            case (4, .bytes(let id)): span.parentSpanID = hex(id)
            case (5, .bytes(let name)): span.name = String(decoding: name, as: UTF8.self)
            case (6, .varint(let kind)): span.kind = Int(kind)
            case (15, .bytes(let status)):
                for (number, value) in fields(status) ?? [] where number == 3 {
                    if case .varint(let code) = value { span.statusCode = Int(code) }
                }
            default: break
            }
        }
        return span
    }

    /// The `KeyValue` list at `field` of a message, values as text.
    private static func attributes(of bytes: ArraySlice<UInt8>, field: Int) -> [String: String]? {
        guard let messageFields = fields(bytes) else { return nil }
        var out: [String: String] = [:]
        for (number, value) in messageFields where number == field {
            guard case .bytes(let pair) = value, let pairFields = fields(pair) else { return nil }
            var key = "", text = ""
            for (number, value) in pairFields {
                if number == 1, case .bytes(let name) = value { key = String(decoding: name, as: UTF8.self) }
                if number == 2, case .bytes(let any) = value {
                    for (kind, item) in fields(any) ?? [] {
                        switch (kind, item) {
                        case (1, .bytes(let string)): text = String(decoding: string, as: UTF8.self)
                        case (2, .varint(let flag)): text = flag == 0 ? "false" : "true"
                        case (3, .varint(let number)): text = "\(Int64(bitPattern: number))"
                        case (4, .fixed64(let bits)): text = "\(Double(bitPattern: bits))"
                        default: text = "(other)"
                        }
                    }
                }
            }
            out[key] = text
        }
        return out
    }

    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed32(UInt32)
    }

    /// The fields of one message; nil when the bytes are not protobuf.
    static func fields(_ bytes: ArraySlice<UInt8>) -> [(Int, Value)]? {
        var out: [(Int, Value)] = []
        var index = bytes.startIndex
        func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.endIndex, shift < 64 {
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }
        func fixed(_ count: Int) -> UInt64? {
            guard bytes.endIndex - index >= count else { return nil }
            var value: UInt64 = 0
            for offset in 0..<count { value |= UInt64(bytes[index + offset]) << (8 * UInt64(offset)) }
            index += count
            return value
        }
        while index < bytes.endIndex {
            guard let key = varint(), key >> 3 > 0 else { return nil }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: guard let value = varint() else { return nil }; out.append((number, .varint(value)))
            case 1: guard let value = fixed(8) else { return nil }; out.append((number, .fixed64(value)))
            case 2:
                guard let length = varint(), length <= UInt64(bytes.endIndex - index) else { return nil }
                out.append((number, .bytes(bytes[index..<(index + Int(length))])))
                index += Int(length)
            case 5: guard let value = fixed(4) else { return nil }; out.append((number, .fixed32(UInt32(value))))
            default: return nil
            }
        }
        return out
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}

/// The same request in OTLP/JSON (ids in hex, as the JSON encoding defines them).
enum OTLPJSON {
    static func spans(_ bytes: [UInt8]) -> [OTLPReceiver.Span]? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        var out: [OTLPReceiver.Span] = []
        for resourceSpans in root["resourceSpans"] as? [[String: Any]] ?? [] {
            let resource = attributes((resourceSpans["resource"] as? [String: Any])?["attributes"])
            for scopeSpans in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scopeSpans["spans"] as? [[String: Any]] ?? [] {
                    out.append(OTLPReceiver.Span(
                        service: resource["service.name"] ?? "", traceID: (span["traceId"] as? String ?? "").lowercased(),
                        spanID: (span["spanId"] as? String ?? "").lowercased(), parentSpanID: (span["parentSpanId"] as? String ?? "").lowercased(),
                        name: span["name"] as? String ?? "", kind: span["kind"] as? Int ?? 0, attributes: attributes(span["attributes"]),
                        statusCode: (span["status"] as? [String: Any])?["code"] as? Int ?? 0
                    ))
                }
            }
        }
        return out
    }

    private static func attributes(_ value: Any?) -> [String: String] {
        var out: [String: String] = [:]
        for pair in value as? [[String: Any]] ?? [] {
            guard let key = pair["key"] as? String, let any = pair["value"] as? [String: Any], let first = any.first else { continue }
            out[key] = "\(first.value)"
        }
        return out
    }
}

import CRdKafka
import Dispatch
import Logging
import NIOPosix
import Synchronization

/// An idempotent producer (`enable.idempotence=true`, `acks=all`).
///
/// `send` hands a batch to librdkafka and waits for every record's delivery report, so the
/// caller learns exactly which records the cluster has acknowledged; a record without a
/// successful report may or may not have been written, and is to be sent again (consumers
/// drop duplicates by the record's own id). librdkafka blocks while polling, so every call runs
/// on the producer's own thread, one batch at a time.
public final class KafkaProducer: Sendable {
    public let settings: KafkaProducerSettings
    private let client: KafkaClient
    private let thread: NIOThreadPool
    private let nextTicket = Mutex(1)
    private let closed = Atomic<Bool>(false)
    private let abandoned = Atomic<Bool>(false)

    public init(settings: KafkaProducerSettings, logger: Logger) throws(KafkaError) {
        self.settings = settings
        self.client = try KafkaClient(type: RD_KAFKA_PRODUCER, settings: settings.properties, logger: logger)
        self.thread = NIOThreadPool(numberOfThreads: 1)
        self.thread.start()
    }

    deinit {
        thread.shutdownGracefully { _ in }
    }

    /// Set once librdkafka reported a fatal error: this producer can send nothing more, make a new one.
    public var fatalError: KafkaError? { client.fatalError }

    /// The last error librdkafka reported about reaching the cluster (TLS handshake, SASL
    /// authentication, brokers down), until a record is delivered again.
    public var problem: String? { client.context.problem }

    /// Sends `messages` and returns, in the same order, whether each was acknowledged. Returns
    /// within the message timeout plus a few seconds; never throws for one record's failure.
    public func send(_ messages: [KafkaMessage]) async -> [Result<Void, KafkaError>] {
        if messages.isEmpty { return [] }
        if closed.load(ordering: .acquiring) {
            return messages.map { _ in .failure(KafkaError(.closed, "the producer is closed")) }
        }
        do {
            return try await thread.runIfActive { self.sendBlocking(messages) }
        } catch {
            return messages.map { _ in .failure(KafkaError(.closed, "the producer is closed")) }
        }
    }

    /// Stops sending, from any thread: records not yet handed to a broker fail at once
    /// (`_PURGE_QUEUE`), so a `send` in progress returns as soon as its in-flight records are
    /// settled instead of waiting out the message timeout; later records fail. For stopping
    /// while Kafka is unreachable.
    public func abandon() {
        abandoned.store(true, ordering: .releasing)
        rd_kafka_purge(client.handle, RD_KAFKA_PURGE_F_QUEUE)
    }

    /// Waits up to `timeout` for records still queued, then releases the client. Later sends fail.
    public func close(timeout: Duration = .seconds(5)) async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        _ = try? await thread.runIfActive {
            rd_kafka_flush(self.client.handle, Int32(KafkaProducerSettings.milliseconds(timeout)))
        }
        try? await thread.shutdownGracefully()
    }

    private func sendBlocking(_ messages: [KafkaMessage]) -> [Result<Void, KafkaError>] {
        let handle = client.handle
        var results = [Result<Void, KafkaError>?](repeating: nil, count: messages.count)
        var pending: [Int: Int] = [:]  // ticket → index
        let queueDeadline = Self.now() + KafkaProducerSettings.milliseconds(settings.messageTimeout)
        for (index, message) in messages.enumerated() {
            let ticket = nextTicket.withLock { value in
                defer { value += 1 }
                return value
            }
            if abandoned.load(ordering: .acquiring) {
                results[index] = .failure(KafkaError(.closed, "the producer is stopping"))
                continue
            }
            client.context.await(ticket)
            var code = produce(message, ticket: ticket)
            // A full local queue drains as reports come in: serve them and try again.
            while code == RD_KAFKA_RESP_ERR__QUEUE_FULL, Self.now() < queueDeadline {
                rd_kafka_poll(handle, 10)
                collect(&pending, into: &results)
                code = produce(message, ticket: ticket)
            }
            if code == RD_KAFKA_RESP_ERR_NO_ERROR {
                pending[ticket] = index
            } else {
                client.context.forget([ticket])
                results[index] = .failure(KafkaError(.delivery, code: code))
            }
        }
        // Every accepted record gets its report within message.timeout.ms; the margin covers
        // a report that is due but not yet served.
        let deadline = Self.now() + KafkaProducerSettings.milliseconds(settings.messageTimeout) + 5_000
        while !pending.isEmpty, Self.now() < deadline {
            // A record produced just after `abandon` purged the queue is purged here.
            if abandoned.load(ordering: .acquiring) { rd_kafka_purge(handle, RD_KAFKA_PURGE_F_QUEUE) }
            rd_kafka_poll(handle, 20)
            collect(&pending, into: &results)
        }
        if !pending.isEmpty {
            client.context.forget(pending.keys)
            for index in pending.values {
                results[index] = .failure(KafkaError(.delivery, "no delivery report in time"))
            }
        }
        return results.map { $0 ?? .failure(KafkaError(.delivery, "no delivery report")) }
    }

    private func collect(_ pending: inout [Int: Int], into results: inout [Result<Void, KafkaError>?]) {
        for (ticket, code) in client.context.takeReports() {
            guard let index = pending.removeValue(forKey: ticket) else { continue }
            results[index] = code == RD_KAFKA_RESP_ERR_NO_ERROR ? .success(()) : .failure(KafkaError(.delivery, code: code))
        }
    }

    private func produce(_ message: KafkaMessage, ticket: Int) -> rd_kafka_resp_err_t {
        var headers: OpaquePointer? = nil
        if !message.headers.isEmpty {
            headers = rd_kafka_headers_new(message.headers.count)
            for header in message.headers {
                _ = header.value.withUnsafeBytes { value in
                    rd_kafka_header_add(headers, header.name, -1, value.baseAddress, value.count)
                }
            }
        }
        let code = message.key.withUnsafeBytes { key in
            message.value.withUnsafeBytes { value in
                oms_kafka_produce(
                    client.handle, message.topic, key.baseAddress, key.count, value.baseAddress, value.count,
                    headers, UnsafeMutableRawPointer(bitPattern: ticket)
                )
            }
        }
        // Handed over on success; still ours otherwise.
        if code != RD_KAFKA_RESP_ERR_NO_ERROR, let headers { rd_kafka_headers_destroy(headers) }
        return code
    }

    private static func now() -> Int64 {
        Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
    }
}

import CRdKafka
import Logging

/// One `rd_kafka_t` and the context its callbacks reach; shared by the producer and the consumer.
final class KafkaClient: @unchecked Sendable {
    let handle: OpaquePointer
    let context: KafkaContext
    private let retained: Unmanaged<KafkaContext>

    /// Creates a client of `type` with `settings` (librdkafka property names); a refused
    /// setting or a failed creation throws with librdkafka's message.
    init(type: rd_kafka_type_t, settings: [(String, String)], logger: Logger) throws(KafkaError) {
        let conf = try Self.configuration(settings).pointer
        var message = [CChar](repeating: 0, count: 512)
        let context = KafkaContext(logger: logger)
        let retained = context.install(on: conf)
        // On success rd_kafka_new owns conf; on failure it is still ours.
        guard let handle = rd_kafka_new(type, conf, &message, message.count) else {
            rd_kafka_conf_destroy(conf)
            retained.release()
            throw KafkaError(.client, Self.text(message))
        }
        self.handle = handle
        self.context = context
        self.retained = retained
    }

    /// A configuration object, owned by the caller until `rd_kafka_new` takes it.
    struct Configuration {
        let pointer: OpaquePointer
        func destroy() { rd_kafka_conf_destroy(pointer) }
    }

    /// `settings` set one by one; the first one librdkafka refuses throws with its message
    /// (never with the value: it may be a secret).
    static func configuration(_ settings: [(String, String)]) throws(KafkaError) -> Configuration {
        guard let conf = rd_kafka_conf_new() else { throw KafkaError(.client, "rd_kafka_conf_new failed") }
        var message = [CChar](repeating: 0, count: 512)
        for (name, value) in settings where rd_kafka_conf_set(conf, name, value, &message, message.count) != RD_KAFKA_CONF_OK {
            rd_kafka_conf_destroy(conf)
            let text = Self.text(message)
            throw KafkaError(.configuration, "\(name): \(KafkaProperties.isSecret(name) ? "refused" : text)")
        }
        return Configuration(pointer: conf)
    }

    /// A fatal error (the idempotent producer can no longer guarantee its ordering): the
    /// client is unusable and must be replaced.
    var fatalError: KafkaError? {
        var message = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(handle, &message, message.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(.delivery, "fatal: \(Self.text(message))")
    }

    /// The NUL-terminated text librdkafka wrote into `buffer`.
    static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    deinit {
        rd_kafka_destroy(handle)
        retained.release()
    }
}

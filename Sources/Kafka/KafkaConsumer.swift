import CRdKafka
import Foundation
import Logging

/// Reads one topic's partitions from the beginning by direct assignment: no consumer group
/// joins, no offsets committed. For reading back what was published (checks, tests, tools),
/// not for a service that must resume where it left off.
///
/// `poll` blocks its thread for up to its timeout; call it off the cooperative pool.
public final class KafkaConsumer: @unchecked Sendable {
    private let client: KafkaClient
    private let lock = NSLock()

    /// `extra`: the connection's security (`security.protocol`, `ssl.*`, `sasl.*`).
    public init(brokers: [String], topic: String, partitions: Int32, extra: KafkaProperties = KafkaProperties(), logger: Logger) throws(KafkaError) {
        guard partitions >= 1 else { throw KafkaError(.configuration, "a topic has at least one partition, got \(partitions)") }
        client = try KafkaClient(
            type: RD_KAFKA_CONSUMER,
            settings: [
                ("bootstrap.servers", brokers.joined(separator: ",")),
                // Required by the consumer API even though no group is joined.
                ("group.id", "oms-reader-\(UUID().uuidString)"),
                ("enable.auto.commit", "false"),
                ("enable.auto.offset.store", "false"),
            ] + extra.sorted,
            logger: logger
        )
        rd_kafka_poll_set_consumer(client.handle)
        guard let list = rd_kafka_topic_partition_list_new(partitions) else { throw KafkaError(.client, "out of memory") }
        defer { rd_kafka_topic_partition_list_destroy(list) }
        for partition in 0..<partitions {
            rd_kafka_topic_partition_list_add(list, topic, partition).pointee.offset = Int64(RD_KAFKA_OFFSET_BEGINNING)
        }
        let code = rd_kafka_assign(client.handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(.client, code: code) }
    }

    /// The next record, or nil when none arrived within `timeout` or an error came instead
    /// (logged at debug: librdkafka retries by itself).
    public func poll(timeout: Duration) -> KafkaRecord? {
        lock.lock()
        defer { lock.unlock() }
        let milliseconds = Int32(KafkaProducerSettings.milliseconds(timeout))
        guard let message = rd_kafka_consumer_poll(client.handle, milliseconds) else { return nil }
        defer { rd_kafka_message_destroy(message) }
        guard message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            client.context.logger.debug("kafka read error", metadata: ["error": .string(KafkaError(.delivery, code: message.pointee.err).message)])
            return nil
        }
        return Self.record(message)
    }

    /// Every record that arrives until none has come for `quiet` (counted from the call, then
    /// from each record), or `limit` has passed.
    public func drain(quiet: Duration, limit: Duration) -> [KafkaRecord] {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: limit)
        var records: [KafkaRecord] = []
        var lastSeen = clock.now
        while clock.now < end, clock.now - lastSeen < quiet {
            if let record = poll(timeout: .milliseconds(100)) {
                records.append(record)
                lastSeen = clock.now
            }
        }
        return records
    }

    private static func record(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaRecord {
        let m = message.pointee
        let key = m.key.map { Array(UnsafeRawBufferPointer(start: $0, count: m.key_len)) }
        let value = m.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: m.len)) } ?? []
        let topic = m.rkt.map { String(cString: rd_kafka_topic_name($0)) } ?? ""
        return KafkaRecord(topic: topic, partition: m.partition, offset: m.offset, key: key, value: value, headers: headers(message))
    }

    private static func headers(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var list: OpaquePointer? = nil
        guard rd_kafka_message_headers(message, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return [] }
        var out: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>? = nil
        var value: UnsafeRawPointer? = nil
        var size = 0
        while rd_kafka_header_get_all(list, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) } ?? []
            out.append(KafkaHeader(name.map { String(cString: $0) } ?? "", bytes))
            index += 1
        }
        return out
    }

    deinit {
        rd_kafka_consumer_close(client.handle)
    }
}

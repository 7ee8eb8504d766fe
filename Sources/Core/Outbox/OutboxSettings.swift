import Kafka

/// `kafka.*`: where the outbox relay publishes final statuses. No brokers: the relay does not
/// run and events stay in the outbox (`core_outbox`), to be published once brokers are set.
public struct OutboxSettings: Sendable, Equatable {
    /// `host:port` of the brokers to bootstrap from (`kafka.brokers`); empty means off.
    public var brokers: [String] = []
    public var topic = "oms.document.status"
    /// Events published per round (`kafka.batch_size`).
    public var batchSize = 2000
    /// Pause between rounds when the outbox was empty or Kafka refused (`kafka.interval_ms`).
    public var interval: Duration = .milliseconds(200)
    /// How long one round keeps trying an event before leaving it for the next (`kafka.message_timeout_ms`).
    public var messageTimeout: Duration = .seconds(10)
    /// How long sent events are kept before the relay deletes them (`kafka.sent_retention_h`).
    public var sentRetention: Duration = .seconds(7 * 24 * 3600)
    /// Security and further librdkafka settings (`kafka.security_protocol`, `kafka.sasl_*`,
    /// `kafka.tls.*`, `kafka.properties`).
    public var connection = KafkaProperties()

    public init() {}

    public var enabled: Bool { !brokers.isEmpty }

    var producer: KafkaProducerSettings {
        var settings = KafkaProducerSettings(brokers: brokers)
        settings.clientID = "oms-core"
        settings.messageTimeout = messageTimeout
        settings.extra = connection
        return settings
    }
}

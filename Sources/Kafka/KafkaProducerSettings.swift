/// How a producer talks to the cluster. It is always idempotent with `acks=all`: a retried
/// send never duplicates or reorders a record within a partition, and a record counts as
/// delivered only once every in-sync replica has it.
public struct KafkaProducerSettings: Sendable, Equatable {
    /// `host:port` of one or more brokers to bootstrap from.
    public var brokers: [String]
    public var clientID = "oms"
    /// How long librdkafka keeps trying one record (`message.timeout.ms`); its delivery report
    /// arrives, success or failure, within this.
    public var messageTimeout: Duration = .seconds(10)
    /// How long records wait to be batched (`linger.ms`).
    public var linger: Duration = .milliseconds(5)
    /// Security and further settings, applied after the ones above (the configuration refuses
    /// the names OMS owns, so none of these replaces one of them).
    public var extra = KafkaProperties()

    public init(brokers: [String]) {
        self.brokers = brokers
    }

    var properties: [(String, String)] {
        [
            ("bootstrap.servers", brokers.joined(separator: ",")),
            ("client.id", clientID),
            ("enable.idempotence", "true"),
            ("acks", "all"),
            ("message.timeout.ms", String(Self.milliseconds(messageTimeout))),
            ("linger.ms", String(Self.milliseconds(linger))),
            // Brokers close idle connections; that is not worth a log line each time.
            ("log.connection.close", "false"),
        ] + extra.sorted
    }

    /// Hands every property to librdkafka without starting a client: a name or value it
    /// refuses fails here with its message (for `--check` and start-up). Files named by
    /// `ssl.*` are only read when a client starts.
    public func validate() throws(KafkaError) {
        try KafkaClient.configuration(properties).destroy()
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

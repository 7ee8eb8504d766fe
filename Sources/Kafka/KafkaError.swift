import CRdKafka

/// What went wrong talking to Kafka, with librdkafka's own words where it gave any.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A setting librdkafka refused; a start-up error.
        case configuration
        /// The client could not be created.
        case client
        /// A message was not delivered (refused, timed out, broker error).
        case delivery
        /// The client was closed.
        case closed
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// librdkafka's name and text for an error code, e.g. `_MSG_TIMED_OUT: Local: Message timed out`.
    init(_ kind: Kind, code: rd_kafka_resp_err_t) {
        self.init(kind, "\(String(cString: rd_kafka_err2name(code))): \(String(cString: rd_kafka_err2str(code)))")
    }

    public var description: String { message }
}

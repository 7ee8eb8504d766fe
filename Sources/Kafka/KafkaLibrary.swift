import CRdKafka

/// The librdkafka this process loaded (which may differ from the headers it was built with).
public enum KafkaLibrary {
    /// e.g. "2.12.1".
    public static var version: String { String(cString: rd_kafka_version_str()) }

    /// Major and minor, for checks such as "at least 2.1".
    public static var majorMinor: (Int, Int) {
        let hex = rd_kafka_version()
        return (Int((hex >> 24) & 0xFF), Int((hex >> 16) & 0xFF))
    }
}

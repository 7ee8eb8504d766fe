import Foundation
import Kafka
import Logging
import TestSupport
import Testing

/// The wrapper against a real broker (tansu) over loopback.
@Suite(.serialized) struct ProducerTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    @Test func deliveredRecordsReadBackWithKeysValuesAndHeaders() async throws {
        let broker = try await KafkaBroker.start()
        try broker.createTopic("t.one", partitions: 3)
        let producer = try KafkaProducer(settings: KafkaProducerSettings(brokers: broker.brokers), logger: Self.quiet)
        let messages = (0..<200).map { index in
            KafkaMessage(
                topic: "t.one", key: Array("key-\(index % 20)".utf8), value: Array("value-\(index)".utf8),
                headers: [KafkaHeader("content-type", "text/plain"), KafkaHeader("n", String(index))]
            )
        }
        let results = await producer.send(messages)
        #expect(results.count == 200)
        let failed = results.filter { if case .failure = $0 { true } else { false } }
        #expect(failed.isEmpty, "\(failed.prefix(3))")
        await producer.close()

        let records = try await broker.read(topic: "t.one", partitions: 3)
        #expect(records.count == 200)
        var byValue: [String: KafkaRecord] = [:]
        for record in records { byValue[String(decoding: record.value, as: UTF8.self)] = record }
        for index in 0..<200 {
            let record = byValue["value-\(index)"]
            #expect(record?.key == Array("key-\(index % 20)".utf8))
            #expect(record?.header("content-type") == "text/plain")
            #expect(record?.header("n") == String(index))
        }
        // One key, one partition: what keeps a request's events in order.
        let partitions = Dictionary(grouping: records, by: { $0.key ?? [] }).mapValues { Set($0.map(\.partition)) }
        #expect(partitions.values.allSatisfy { $0.count == 1 })
        #expect(Set(records.map(\.partition)).count > 1, "20 keys over 3 partitions use more than one")
    }

    /// Nothing listens: every record fails with librdkafka's timeout, within the message
    /// timeout plus the wait's margin, and none is reported delivered.
    @Test func noBrokerMeansEveryRecordFailsInTime() async throws {
        var settings = KafkaProducerSettings(brokers: ["127.0.0.1:\(Loopback.freePort())"])
        settings.messageTimeout = .seconds(1)
        let producer = try KafkaProducer(settings: settings, logger: Self.quiet)
        let started = ContinuousClock.now
        let results = await producer.send((0..<10).map { KafkaMessage(topic: "t.none", key: [1], value: Array("v\($0)".utf8)) })
        let elapsed = ContinuousClock.now - started
        #expect(results.count == 10)
        for result in results {
            guard case .failure(let error) = result else {
                Issue.record("a record was reported delivered with no broker")
                continue
            }
            #expect(error.kind == .delivery)
            #expect(error.message.contains("_MSG_TIMED_OUT"), "\(error.message)")
        }
        #expect(elapsed < .seconds(8), "\(elapsed)")
        await producer.close(timeout: .zero)
        let after = await producer.send([KafkaMessage(topic: "t.none", key: [1], value: [1])])
        guard case .failure(let closed) = after.first else {
            Issue.record("a closed producer accepted a record")
            return
        }
        #expect(closed.kind == .closed)
    }

    /// The broker goes away and comes back empty (in-memory storage: it forgot this
    /// producer's id). What failed while it was gone stays failed; the old producer ends with a
    /// fatal error rather than risk reordering, and a new producer delivers.
    @Test func aBrokerThatLostItsStateNeedsANewProducer() async throws {
        let broker = try await KafkaBroker.start()
        try broker.createTopic("t.back")
        var settings = KafkaProducerSettings(brokers: broker.brokers)
        settings.messageTimeout = .seconds(2)
        var producer = try KafkaProducer(settings: settings, logger: Self.quiet)
        let first = await producer.send([KafkaMessage(topic: "t.back", key: [1], value: Array("before".utf8))])
        #expect(first.allSatisfy { if case .success = $0 { true } else { false } })
        broker.stop()
        let down = await producer.send([KafkaMessage(topic: "t.back", key: [1], value: Array("while-down".utf8))])
        #expect(down.allSatisfy { if case .failure = $0 { true } else { false } })
        try await broker.restart()
        // The old producer keeps asking for the topic's metadata, which may create it first.
        try broker.createTopic("t.back", orFind: true)
        var delivered = false
        var replaced = 0
        for _ in 0..<15 where !delivered {
            let again = await producer.send([KafkaMessage(topic: "t.back", key: [1], value: Array("after".utf8))])
            delivered = again.allSatisfy { if case .success = $0 { true } else { false } }
            if !delivered, producer.fatalError != nil {
                await producer.close(timeout: .zero)
                producer = try KafkaProducer(settings: settings, logger: Self.quiet)
                replaced += 1
            }
        }
        #expect(delivered)
        #expect(replaced == 1, "the broker forgot the producer id: exactly one fatal error, then a new producer")
        let values = try await broker.read(topic: "t.back", limit: .seconds(20)).map { String(decoding: $0.value, as: UTF8.self) }
        #expect(values == ["after"], "the restarted broker holds only what was sent after it came back")
        await producer.close()
    }

    @Test func refusedSettingsAreConfigurationErrors() throws {
        var settings = KafkaProducerSettings(brokers: ["127.0.0.1:9"])
        settings.messageTimeout = .milliseconds(-5)
        #expect {
            _ = try KafkaProducer(settings: settings, logger: Self.quiet)
        } throws: { error in
            (error as? KafkaError)?.kind == .configuration && "\(error)".contains("message.timeout.ms")
        }
    }

    @Test func theLoadedLibraryIsNamed() {
        #expect(KafkaLibrary.version.split(separator: ".").count >= 3)
        #expect(KafkaLibrary.majorMinor.0 >= 1)
    }
}

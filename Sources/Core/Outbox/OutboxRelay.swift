import CoreMetrics
import Database
import EdgeRuntime
import Kafka
import Logging
import ServiceLifecycle
import Synchronization
import Tracing

/// Publishes the outbox's events to Kafka, at least once: each round reads the oldest unsent
/// events, produces them (key: the request id, so one request's events stay in order; value:
/// the CloudEvent in structured mode), and marks sent exactly those whose delivery report
/// said the cluster has them. Anything else stays unsent and goes out in a later round, with
/// the same event id, so a consumer drops what it has already seen.
///
/// Two cores on one PostgreSQL both relay, each round claiming its events first, so while both
/// are healthy each event is published by one of them; a relay that dies after Kafka took an
/// event and before marking it sent leaves it to be published again, with the same id.
public final class OutboxRelay: Service, Sendable {
    public static let contentType = "application/cloudevents+json"

    private let store: any CoreStore
    private let settings: OutboxSettings
    private let logger: Logger
    private let registry: MetricsRegistry
    private let producer: Mutex<KafkaProducer>
    /// When sent events were last pruned (0: not yet).
    private let prunedAtMs = Atomic<Int64>(0)
    /// Rounds in a row in which Kafka took none of the events.
    private let failedRounds = Atomic<Int>(0)
    /// After this many such rounds the producer is replaced even without a fatal error: an
    /// idempotent producer whose broker lost its state can be refused (UnknownProducerId) on
    /// every retry of its producer id, while a new producer gets a new id at once.
    static let failedRoundsBeforeReplacing = 3

    /// Creates the producer; settings librdkafka refuses stop start-up.
    init(store: any CoreStore, settings: OutboxSettings, metrics: MetricsRegistry, logger: Logger) throws(KafkaError) {
        self.store = store
        self.settings = settings
        self.logger = logger
        self.registry = metrics
        self.producer = Mutex(try KafkaProducer(settings: settings.producer, logger: logger))
    }

    /// Rounds until cancelled or a graceful shutdown. Stopping does not wait for an unreachable
    /// Kafka: what the round in hand has not handed to a broker fails at once and stays unsent.
    public func run() async throws {
        let stopping = Atomic<Bool>(false)
        let stop: @Sendable () -> Void = {
            stopping.store(true, ordering: .releasing)
            self.producer.withLock { $0 }.abandon()
        }
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                while !Task.isCancelled, !stopping.load(ordering: .acquiring) {
                    let more = await self.round()
                    if !more {
                        await self.upkeep()
                        if !stopping.load(ordering: .acquiring) { try? await Task.sleep(for: self.settings.interval) }
                    }
                }
            } onGracefulShutdown: {
                stop()
            }
        } onCancel: {
            stop()
        }
        await producer.withLock { $0 }.close()
    }

    /// Why the brokers cannot be reached (TLS, SASL authentication, down), while they
    /// cannot: librdkafka's last error until a record is delivered again.
    public var kafkaProblem: String? { producer.withLock { $0 }.problem }

    /// One round; true when a full batch went out and more may be waiting.
    func round() async -> Bool {
        let events: [StatusEvent]
        do {
            // Claimed for longer than a round can take (every event is bounded by the message
            // timeout), so a healthy relay's claim never lapses under it; one that died leaves
            // its rows to another replica once the claim does.
            let now = WallClock.millisecondsNow()
            events = try await store.claimEvents(limit: settings.batchSize, nowMs: now, leaseUntilMs: now + 2 * settings.messageTimeout.wholeMilliseconds + 5_000)
        } catch {
            logger.error("reading the outbox failed", metadata: ["error": .string(error.description)])
            return false
        }
        if events.isEmpty { return false }
        let producer = self.producer.withLock { $0 }
        // A producer span per traced event, in its request's trace, from send to delivery report.
        let spans = events.map { event in
            event.trace.map { trace in
                let span = ProcessTracing.tracer.startSpan("publish \(settings.topic)", context: TraceContext.context(continuing: trace), ofKind: .producer)
                span.attributes["messaging.system"] = "kafka"
                span.attributes["messaging.destination.name"] = settings.topic
                span.attributes["messaging.message.id"] = event.eventID
                span.attributes["oms.request_id"] = event.requestID
                return span
            }
        }
        let results = await producer.send(events.map(message))
        var sent: [String] = []
        var firstFailure: KafkaError?
        for (index, (event, result)) in zip(events, results).enumerated() {
            switch result {
            case .success: sent.append(event.eventID)
            case .failure(let error):
                firstFailure = firstFailure ?? error
                spans[index]?.setStatus(SpanStatus(code: .error, message: error.message))
            }
            spans[index]?.end()
        }
        registry.counter("oms_core_events_published_total").increment(by: sent.count)
        let failedInARow: Int
        if sent.isEmpty {
            failedInARow = failedRounds.add(1, ordering: .relaxed).newValue
        } else {
            failedInARow = 0
            failedRounds.store(0, ordering: .relaxed)
        }
        if let firstFailure {
            registry.counter("oms_core_events_unpublished_total").increment(by: events.count - sent.count)
            // Given back at once: any relay's next round may try them.
            let sentSet = Set(sent)
            try? await store.releaseEvents(events.map(\.eventID).filter { !sentSet.contains($0) })
            logger.warning("events not published; kept for the next round", metadata: [
                "count": .stringConvertible(events.count - sent.count), "error": .string(firstFailure.message),
            ])
            replaceIfStuck(producer, failedRounds: failedInARow)
        }
        if !sent.isEmpty {
            do {
                try await store.markSent(sent, nowMs: WallClock.millisecondsNow())
            } catch {
                // They are in Kafka but still unsent here: published again next round, same ids.
                logger.error("marking events sent failed", metadata: ["error": .string(error.description)])
                return false
            }
        }
        return firstFailure == nil && events.count == settings.batchSize
    }

    /// Between rounds that left nothing to do: the backlog gauge, and at most once a minute
    /// the deletion of events sent longer ago than the retention.
    func upkeep() async {
        if let backlog = try? await store.outboxBacklog() {
            registry.gauge("oms_core_outbox_unsent").record(backlog.unsent)
        }
        let now = WallClock.millisecondsNow()
        guard now - prunedAtMs.load(ordering: .relaxed) >= 60_000 else { return }
        prunedAtMs.store(now, ordering: .relaxed)
        do {
            let deleted = try await store.deleteSent(beforeMs: now - settings.sentRetention.wholeMilliseconds, limit: 10_000)
            if deleted > 0 { logger.info("sent events past their retention deleted", metadata: ["count": .stringConvertible(deleted)]) }
        } catch {
            logger.warning("deleting old sent events failed", metadata: ["error": .string(error.description)])
        }
    }

    /// The record carries the event's trace as headers too (the CloudEvents Kafka binding's
    /// distributed tracing), so a consumer continues the trace without parsing the value.
    private func message(_ event: StatusEvent) -> KafkaMessage {
        var headers = [KafkaHeader("content-type", Self.contentType)]
        if let trace = event.trace {
            headers.append(KafkaHeader(TraceContext.parentField, trace.traceparent))
            if let state = trace.tracestate { headers.append(KafkaHeader(TraceContext.stateField, state)) }
        }
        return KafkaMessage(topic: settings.topic, key: Array(event.requestID.utf8), value: Array(event.payload.utf8), headers: headers)
    }

    /// An idempotent producer that hit a fatal error sends nothing more, and one that got
    /// nothing through for several rounds may never again: start a new one.
    private func replaceIfStuck(_ current: KafkaProducer, failedRounds failed: Int) {
        if let fatal = current.fatalError {
            logger.error("the Kafka producer failed for good; starting a new one", metadata: ["error": .string(fatal.message)])
            registry.counter("oms_core_kafka_producers_replaced_total", [("reason", "fatal")]).increment()
        } else if failed >= Self.failedRoundsBeforeReplacing {
            logger.warning("the Kafka producer delivered nothing for several rounds; starting a new one", metadata: ["rounds": .stringConvertible(failed)])
            registry.counter("oms_core_kafka_producers_replaced_total", [("reason", "stalled")]).increment()
        } else {
            return
        }
        failedRounds.store(0, ordering: .relaxed)
        do {
            let fresh = try KafkaProducer(settings: settings.producer, logger: logger)
            producer.withLock { $0 = fresh }
            Task { await current.close(timeout: .zero) }
        } catch {
            logger.error("a new Kafka producer could not be made", metadata: ["error": .string(error.message)])
        }
    }
}

import CRdKafka
import Logging
import Synchronization

/// What librdkafka's callbacks reach through their opaque pointer: the logger, and the
/// delivery reports of the messages a producer is waiting for. Retained by the client for
/// as long as its `rd_kafka_t` lives.
final class KafkaContext: Sendable {
    let logger: Logger
    private let deliveries = Mutex(Deliveries())
    /// The last error librdkafka reported outside a message (a refused handshake or SASL
    /// authentication, all brokers down), until a record is delivered again.
    private let lastProblem = Mutex<String?>(nil)
    /// When each recent librdkafka log line was last logged at its own level.
    private let recentLines = Mutex<[Substring: ContinuousClock.Instant]>([:])

    private struct Deliveries {
        var awaited = Set<Int>()
        var reported: [Int: rd_kafka_resp_err_t] = [:]
    }

    init(logger: Logger) {
        self.logger = logger
    }

    func await(_ ticket: Int) {
        deliveries.withLock { _ = $0.awaited.insert(ticket) }
    }

    /// Drops tickets nobody waits for any more; a late report for them is ignored.
    func forget<S: Sequence>(_ tickets: S) where S.Element == Int {
        deliveries.withLock { state in
            for ticket in tickets {
                state.awaited.remove(ticket)
                state.reported.removeValue(forKey: ticket)
            }
        }
    }

    /// The reports that arrived since the last call, removed from the ledger.
    func takeReports() -> [Int: rd_kafka_resp_err_t] {
        deliveries.withLock { state in
            defer { state.reported = [:] }
            for ticket in state.reported.keys { state.awaited.remove(ticket) }
            return state.reported
        }
    }

    fileprivate func delivered(_ ticket: Int, _ code: rd_kafka_resp_err_t) {
        deliveries.withLock { state in
            if state.awaited.contains(ticket) { state.reported[ticket] = code }
        }
        if code == RD_KAFKA_RESP_ERR_NO_ERROR {
            lastProblem.withLock { $0 = nil }
        }
    }

    /// Why the cluster cannot be reached, while it cannot (nil once a record is delivered).
    var problem: String? { lastProblem.withLock { $0 } }

    /// Records `text`; true when it says something new. librdkafka retries a refused login
    /// or handshake every few hundred milliseconds with the same words (only its "(after 3ms
    /// in state …)" differs), which is one problem to log, not hundreds.
    fileprivate func reportProblem(_ text: String) -> Bool {
        lastProblem.withLock { last in
            defer { last = text }
            return last.map(Self.gist) != Self.gist(text)
        }
    }

    /// Whether a librdkafka log line is new enough to log at its level: the same words again
    /// within a minute (a retried login or handshake) are logged at debug.
    fileprivate func isFresh(_ line: String) -> Bool {
        let now = ContinuousClock.now
        return recentLines.withLock { recent in
            let key = Self.gist(line)
            if let last = recent[key], now - last < .seconds(60) { return false }
            if recent.count >= 256 { recent.removeAll() }
            recent[key] = now
            return true
        }
    }

    private static func gist(_ text: String) -> Substring {
        text.range(of: " (after ").map { text[..<$0.lowerBound] } ?? text[...]
    }

    /// Installs the callbacks on `conf`, with this context as their opaque pointer (retained;
    /// `release` undoes that after the client is destroyed).
    func install(on conf: OpaquePointer) -> Unmanaged<KafkaContext> {
        let retained = Unmanaged.passRetained(self)
        rd_kafka_conf_set_opaque(conf, retained.toOpaque())
        rd_kafka_conf_set_dr_msg_cb(conf, kafkaDeliveryCallback)
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback)
        return retained
    }

    static func from(_ opaque: UnsafeMutableRawPointer?) -> KafkaContext? {
        guard let opaque else { return nil }
        return Unmanaged<KafkaContext>.fromOpaque(opaque).takeUnretainedValue()
    }
}

/// Called from `rd_kafka_poll`/`rd_kafka_flush`, on the thread that polls: one report per
/// produced message, carrying the ticket given as the message's opaque.
private func kafkaDeliveryCallback(_ client: OpaquePointer?, _ message: UnsafePointer<rd_kafka_message_t>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let message, let context = KafkaContext.from(opaque) else { return }
    context.delivered(Int(bitPattern: message.pointee._private), message.pointee.err)
}

/// librdkafka's own log lines (syslog levels), into the service's JSON log. Called from
/// librdkafka's threads.
private func kafkaLogCallback(_ client: OpaquePointer?, _ level: Int32, _ facility: UnsafePointer<CChar>?, _ text: UnsafePointer<CChar>?) {
    guard let client, let context = KafkaContext.from(rd_kafka_opaque(client)) else { return }
    let swiftLevel: Logger.Level = switch level {
    case ...2: .critical
    case 3: .error
    case 4: .warning
    case 5, 6: .info
    default: .debug
    }
    let line = text.map { String(cString: $0) } ?? ""
    let level = swiftLevel >= .warning && !context.isFresh(line) ? .debug : swiftLevel
    context.logger.log(level: level, "kafka: \(line)", metadata: ["facility": .string(facility.map { String(cString: $0) } ?? "")])
}

/// Errors librdkafka reports outside any one message (all brokers down, fatal idempotence
/// errors). A failed connection is left out: the log callback has already said it.
private func kafkaErrorCallback(_ client: OpaquePointer?, _ code: Int32, _ reason: UnsafePointer<CChar>?, _ opaque: UnsafeMutableRawPointer?) {
    guard let context = KafkaContext.from(opaque) else { return }
    let name = String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(code)))
    let text = reason.map { String(cString: $0) } ?? ""
    let new = context.reportProblem("\(name): \(text)")
    guard rd_kafka_resp_err_t(code) != RD_KAFKA_RESP_ERR__TRANSPORT else { return }
    context.logger.log(level: new ? .warning : .debug, "kafka error", metadata: ["code": .string(name), "reason": .string(text)])
}

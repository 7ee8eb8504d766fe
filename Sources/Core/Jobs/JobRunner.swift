import CoreMetrics
import Curl
import Database
import EdgeRuntime
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Tracing

/// The scheduled jobs: each round claims a batch of due requests under a lease, runs each
/// one's next step, and records the result with a conditional update. A worker that dies
/// loses its lease and its rows are claimed again once it runs out.
public final class JobRunner: Service, Sendable {
    private let store: any CoreStore
    private let steps: Steps
    private let settings: JobSettings
    private let http: CurlClient
    private let logger: Logger
    private let registry: MetricsRegistry
    /// Who holds a lease: unique per process and start.
    public let owner: String
    /// refdata and the bridge as the jobs reach them (their TLS settings included).
    private let upstreams: [(name: String, probe: ReachabilityProbe)]
    /// A graceful shutdown began: nothing more is claimed, and no request goes on to its next
    /// step (each step in hand is recorded and its lease released).
    private let stopping = Atomic<Bool>(false)

    init(store: any CoreStore, settings: JobSettings, metrics: MetricsRegistry, logger: Logger) {
        // Up to `batchSize` calls at once to refdata and to the bridge: every connection they
        // open is kept for the next call. With fewer kept than are used at once, each burst
        // closed the surplus and the next opened them again (a handshake per call at load).
        let perHost = min(settings.batchSize, 64)
        let http = CurlClient(configuration: .init(maxConnectionsPerHost: perHost, maxCachedConnections: 3 * perHost + 4))
        self.store = store
        self.settings = settings
        self.http = http
        self.steps = Steps(
            http: http, settings: settings, registry: metrics,
            refdataToken: settings.refdataClient.map { ServiceToken($0, service: "refdata", http: http, timeout: settings.callTimeout) },
            bridgeToken: settings.bridgeClient.map { ServiceToken($0, service: "soap_bridge", http: http, timeout: settings.callTimeout) }
        )
        self.logger = logger
        self.registry = metrics
        self.owner = "core-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        self.upstreams = [
            ("refdata", ReachabilityProbe(url: "\(settings.refdataURL)/healthz", timeout: .seconds(2), tls: settings.refdataTLS, http: http)),
            ("soap_bridge", ReachabilityProbe(url: "\(settings.bridgeURL)/healthz", timeout: .seconds(2), tls: settings.bridgeTLS, http: http)),
        ]
    }

    /// For `/readyz`: "ok" or why the jobs cannot reach refdata or the bridge (a refused TLS
    /// handshake included). Reported, not required: the jobs retry, and intake works meanwhile.
    public func upstreamChecks() async -> [String: String] {
        var checks: [String: String] = [:]
        for (name, probe) in upstreams {
            checks[name] = await probe.problem() ?? "ok"
        }
        return checks
    }

    /// Claims and works until cancelled or a graceful shutdown, with up to `jobs.batch_size`
    /// requests in hand. More are claimed as soon as a quarter of that room is free, so one
    /// slow call holds up only its own request, not a whole batch; when a claim finds nothing
    /// due, the next waits `jobs.interval_ms` (or for the hand to empty). A graceful shutdown
    /// lets the steps in hand finish (recorded, leases released) and claims nothing more.
    ///
    /// A request whose step moves it on to a status that is due at once (VALIDATED, ENRICHED, or
    /// SUBMITTED with an adopted batch) goes on to its next step in the same hand, under its
    /// renewed lease: claiming it again would cost a round trip through the database and a
    /// wait for the next claim.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                var inHand = 0
                var idleSince: ContinuousClock.Instant?
                while !Task.isCancelled, !stopping.load(ordering: .acquiring) {
                    let room = settings.batchSize - inHand
                    let rested = idleSince.map { ContinuousClock.now - $0 >= settings.interval } ?? true
                    if room >= max(1, settings.batchSize / 4), rested || inHand == 0 {
                        let claimed = await claim(limit: room)
                        for request in claimed {
                            group.addTask { await self.work(request) }
                        }
                        inHand += claimed.count
                        idleSince = claimed.isEmpty ? ContinuousClock.now : nil
                    }
                    if inHand > 0 {
                        await group.next()
                        inHand -= 1
                    } else if !stopping.load(ordering: .acquiring) {
                        try? await Task.sleep(for: settings.interval)
                    }
                }
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .releasing)
        }
        await http.shutdown()
    }

    /// Up to `limit` due requests, leased to this runner; none when the claim failed.
    private func claim(limit: Int) async -> [ClaimedRequest] {
        let now = WallClock.millisecondsNow()
        do {
            return try await store.claim(owner: owner, nowMs: now, leaseUntilMs: now + settings.lease.wholeMilliseconds, limit: limit)
        } catch {
            logger.error("claiming requests failed", metadata: ["error": .string(error.description)])
            return []
        }
    }

    /// The steps of one request while it holds the lease, each a span in the request's trace
    /// (a child of its intake).
    private func work(_ request: ClaimedRequest) async {
        var next: ClaimedRequest? = request
        while let current = next {
            next = await ProcessTracing.tracer.withSpan(Steps.name(of: current.status), context: TraceContext.context(continuing: current.trace), ofKind: .internal) { span in
                span.attributes["oms.request_id"] = current.id
                span.attributes["oms.step.attempt"] = current.attempts + 1
                return await record(current, span: span)
            }
        }
    }

    /// Runs the request's step and records its result; the request as its next step needs it
    /// when it goes on at once under the kept lease, nil when the lease was released (or lost).
    private func record(_ claimed: ClaimedRequest, span: any Span) async -> ClaimedRequest? {
        var request = claimed
        var fresh = false
        if request.status == .enriched {
            // Written before the batch is sent: a worker that dies after sending it leaves
            // the request SUBMITTING, and whoever takes it over asks Thunderhead first.
            let name = BatchName.next(for: request.id, after: request.batchName)
            do {
                guard try await store.beginSubmission(request.id, owner: owner, batchName: name, nowMs: WallClock.millisecondsNow()) else {
                    registry.counter("oms_core_steps_total", [("step", "submit"), ("result", "lease_lost")]).increment()
                    return nil
                }
            } catch {
                span.setStatus(SpanStatus(code: .error, message: "recording the submission failed"))
                logger.error("recording a submission failed", metadata: ["request_id": .string(request.id), "error": .string(error.description)])
                return nil
            }
            request.status = .submitting
            request.batchName = name
            fresh = true
        }
        let (step, result) = await steps.run(request, fresh: fresh)
        let now = WallClock.millisecondsNow()
        let retryAt = now + settings.backoff(afterAttempt: request.attempts + 1)
        // Only a step due at once goes on in this hand; any other result releases the lease.
        let goesOn = if case .advance(let status, _, _, 0) = result { !status.isFinal && !stopping.load(ordering: .acquiring) } else { false }
        do {
            let applied = try await store.complete(
                request.id, from: request.status, owner: owner, result: result, step: step,
                maxAttempts: settings.maxAttempts, retryAtMs: retryAt, nowMs: now,
                keepingLeaseUntilMs: goesOn ? now + settings.lease.wholeMilliseconds : nil
            )
            let label = Self.label(result, applied: applied)
            registry.counter("oms_core_steps_total", [("step", step), ("result", label)]).increment()
            span.attributes["oms.step.result"] = label
            logger.debug("step recorded", metadata: ["request_id": .string(request.id), "step": .string(step), "result": .string(label)])
            switch result {
            case .failure(let failure, _), .uncertain(let failure):
                span.attributes["oms.failure.code"] = failure.code
                span.setStatus(SpanStatus(code: .error, message: failure.message))
                var metadata: Logger.Metadata = ["request_id": .string(request.id), "step": .string(step), "code": .string(failure.code), "message": .string(failure.message)]
                if case .uncertain = result, applied {
                    metadata["batch_name"] = .string(request.batchName ?? "")
                    logger.error("submission uncertain: an operator must confirm or resubmit the batch", metadata: metadata)
                } else {
                    logger.warning("step failed", metadata: metadata)
                }
            case .advance(let status, let enrichment, let batchId, _):
                guard applied, goesOn else { return nil }
                request.status = status
                request.attempts = 0
                request.enrichment = enrichment ?? request.enrichment
                request.batchId = batchId ?? request.batchId
                return request
            case .wait: break
            }
        } catch {
            span.setStatus(SpanStatus(code: .error, message: "recording the step failed"))
            logger.error("recording a step failed", metadata: ["request_id": .string(request.id), "error": .string(error.description)])
        }
        return nil
    }

    private static func label(_ result: StepResult, applied: Bool) -> String {
        guard applied else { return "lease_lost" }
        switch result {
        case .advance(let status, _, _, _): return status.rawValue.lowercased()
        case .wait: return "waiting"
        case .failure(_, let retry): return retry ? "retry" : "failed"
        case .uncertain: return "uncertain"
        }
    }
}

import EdgeRuntime
import Foundation
import JOSE
import Logging
import NIOCore
import ServiceContextModule
import Synchronization

/// Decides one auth subrequest. The local checks (signature, claims) and the OIDM call run
/// at the same time; both must pass. A token seen before is answered from the cache on the
/// calling event loop without any allocation of a task or future.
final class AuthDecider: Sendable {
    enum Answer {
        case now(AuthDecision)
        case later(EventLoopFuture<AuthDecision>)
    }

    private let policy: ClaimsPolicy
    private let local: LocalTokenCheck
    private let routes: RouteTable
    private let routeCache: RouteCache
    private let keys: KeySetProvider
    private let oidm: OIDMClient
    private let oidmSettings: OIDMSettings
    /// Browser sign-in, when configured: the session cookie is read only then.
    let browser: BrowserSignIn?
    /// Revocations shared with the other replicas, when `redis` is configured.
    let revocations: RevocationChannel?
    private let cache: TokenCache
    private let breaker: CircuitBreaker
    private let metrics: AuthMetrics
    private let logger: Logger
    private let clock: @Sendable () -> Double
    /// Tasks that will still complete a promise on an event loop; shutdown waits for them.
    private let inFlight = Mutex(0)

    init(
        configuration: AuthConfiguration, keys: KeySetProvider, oidm: OIDMClient, cache: TokenCache,
        breaker: CircuitBreaker, metrics: AuthMetrics, logger: Logger, browser: BrowserSignIn? = nil, revocations: RevocationChannel? = nil,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.browser = browser
        self.revocations = revocations
        self.policy = ClaimsPolicy(policy: configuration.token)
        self.local = LocalTokenCheck(policy: configuration.token)
        self.routes = RouteTable(rules: configuration.routes, globalScopes: configuration.token.requiredScopes)
        self.routeCache = RouteCache(table: routes)
        self.keys = keys
        self.oidm = oidm
        self.oidmSettings = configuration.oidm
        self.cache = cache
        self.breaker = breaker
        self.metrics = metrics
        self.logger = logger
        self.clock = clock
    }

    /// `span`: the decision's span when tracing is on; ended with the decision.
    func decide(_ request: AuthRequest, on loop: any EventLoop, span: DecisionSpan? = nil) -> Answer {
        var cacheUse = "hit"
        switch decideUnrecorded(request, on: loop, trace: span?.context, cacheUse: &cacheUse) {
        case .now(let decision): return .now(record(decision, request, span: span, cache: cacheUse))
        case .later(let future): return .later(future.map { [cacheUse] in self.record($0, request, span: span, cache: cacheUse) })
        }
    }

    /// `cacheUse` becomes `miss` when this request made the OIDM call, `none` when no token got
    /// that far.
    private func decideUnrecorded(_ request: AuthRequest, on loop: any EventLoop, trace: ServiceContext?, cacheUse: inout String) -> Answer {
        let slice: Substring
        switch BearerToken.token(first: request.firstAuthorization, fields: request.authorizationFields, maxBytes: policy.policy.maxBytes) {
        case .failure(.missingToken) where browser != nil && request.cookie != nil:
            // No bearer token: a signed-in browser's session stands in for one, on browser
            // routes only, and its access token is then checked like any bearer token.
            switch browserSession(request) {
            case .success(let session):
                return withSession(session, decideUnrecorded(request.bearing(session.accessToken), on: loop, trace: trace, cacheUse: &cacheUse))
            case .failure(let reason):
                cacheUse = "none"
                return .now(.deny(reason))
            }
        case .failure(let reason):
            cacheUse = "none"
            return .now(.deny(reason))
        case .success(let value): slice = value
        }

        let now = clock()
        let digest = TokenDigest(slice.utf8)
        let entry: TokenCacheEntry
        var missed = false
        if let cached = cache.live(digest, now: now) {
            // Only a token shaped like a compact JWS is ever stored: a hit needs no shape check.
            entry = cached
        } else {
            // Nothing that is not even shaped like a JWS is worth an OIDM call, or an entry.
            guard BearerToken.isCompactJWS(slice) else {
                cacheUse = "none"
                return .now(.deny(.malformed))
            }
            var promise: EventLoopPromise<OIDMVerdict>?
            let (found, inserted) = cache.entry(for: digest, now: now) {
                // Nothing cached: this request makes the one OIDM call, unless the breaker is open.
                guard breaker.allowCall() else { return nil }
                let started = loop.makePromise(of: OIDMVerdict.self)
                promise = started
                return TokenCacheEntry(identity: nil, oidm: .pending(started.futureResult), expiresAt: .infinity)
            }
            guard let found else {
                metrics.oidmBreakerRejected.increment()
                return .now(.deny(.oidmUnavailable))
            }
            if inserted, let promise {
                missed = true
                cacheUse = "miss"
                metrics.cacheMisses.increment()
                startOIDMCall(token: String(slice), digest: digest, requestID: request.requestID, trace: trace, promise: promise)
            }
            entry = found
        }
        if !missed, entry.identity != nil, case .valid = entry.oidm { metrics.cacheHits.increment() }

        if let identity = entry.identity {
            return proceed(identity, entry.oidm, request, on: loop, now: now)
        }
        // OIDM already said no: not worth a signature check. When the local checks said no
        // too, theirs is the reason counted: it says what is wrong (`bad_signature`, …).
        if case .invalid = entry.oidm { return .now(.deny(entry.localFailure ?? .oidmRejected)) }
        // Past the cache: the token is worked on as a String of its own from here.
        let token = String(slice)
        switch local.identity(of: token, keys: keys) {
        case .success(let identity):
            cache.setIdentity(identity, for: digest)
            return proceed(identity, entry.oidm, request, on: loop)
        case .failure(.unknownKey):
            return .later(tracked(on: loop, trace: trace) {
                guard case .success(let identity) = await self.local.identityAfterRefresh(of: token, keys: self.keys) else {
                    return .deny(.unknownKey)
                }
                self.cache.setIdentity(identity, for: digest)
                switch self.proceed(identity, entry.oidm, request, on: loop) {
                case .now(let decision): return decision
                case .later(let future): return try await future.get()
                }
            })
        case .failure(let reason):
            cache.setLocalFailure(reason, for: digest)
            return .now(.deny(reason))
        }
    }

    private func browserSession(_ request: AuthRequest) -> Result<BrowserSession, DenyReason> {
        guard let browser, let session = browser.session(in: request.cookie) else { return .failure(.sessionRefused) }
        guard let uri = request.originalURI, let segments = try? PathNormalizer.segments(of: uri), routes.acceptsBrowser(segments: segments) else {
            return .failure(.sessionNotAccepted)
        }
        return .success(session)
    }

    /// An allow decided on a session's token carries the session, for nginx to pass on.
    private func withSession(_ session: BrowserSession, _ answer: Answer) -> Answer {
        func attach(_ decision: AuthDecision) -> AuthDecision {
            guard case .allow = decision.outcome else { return decision }
            var decision = decision
            decision.session = session
            return decision
        }
        switch answer {
        case .now(let decision): return .now(attach(decision))
        case .later(let future): return .later(future.map(attach))
        }
    }

    /// `now`: the time the request was decided at, when it is decided at once (one clock read
    /// per decision); an answer that waits for OIDM reads the clock when OIDM has answered.
    private func proceed(_ identity: TokenIdentity, _ state: TokenCacheEntry.OIDMState, _ request: AuthRequest, on loop: any EventLoop, now: Double? = nil) -> Answer {
        switch state {
        case .valid: return .now(finish(identity, .valid, request, now: now))
        case .invalid: return .now(finish(identity, .invalid, request, now: now))
        case .pending(let future):
            // A local failure would have answered already; now only OIDM is awaited.
            return .later(future.hop(to: loop).map { verdict in self.finish(identity, verdict, request) })
        }
    }

    /// The checks that depend on the request and the clock: never cached.
    private func finish(_ identity: TokenIdentity, _ verdict: OIDMVerdict, _ request: AuthRequest, now: Double? = nil) -> AuthDecision {
        let now = now ?? clock()
        switch verdict {
        case .valid: break
        // Both say no: the local reason (`expired`, `not_yet_valid`) is the more precise one.
        case .invalid: return .deny(policy.checkTime(identity, now: now) ?? .oidmRejected)
        case .unavailable: return .deny(.oidmUnavailable)
        }
        if let reason = policy.checkTime(identity, now: now) { return .deny(reason) }
        let required: [String]
        if routes.isEmpty {
            required = policy.policy.requiredScopes
        } else {
            // A missing method is not a safe one: fail closed where methods matter.
            guard let uri = request.originalURI, let requirement = routeCache.requirement(target: uri, method: request.originalMethod ?? "") else {
                return .deny(.badPath)
            }
            switch requirement {
            case .scopes(let scopes): required = scopes
            case .methodNotRouted: return .deny(.methodNotRouted)
            }
        }
        for scope in required where !identity.scopes.contains(scope) {
            return .deny(.insufficientScope, scopes: required)
        }
        return AuthDecision(outcome: .allow(identity))
    }

    private func startOIDMCall(token: String, digest: TokenDigest, requestID: String?, trace: ServiceContext?, promise: EventLoopPromise<OIDMVerdict>) {
        let settings = oidmSettings
        let leeway = policy.policy.leewaySeconds
        counted(trace: trace) { [self] in
            let started = ContinuousClock.now
            let verdict = await oidm.validate(token, requestID: requestID)
            metrics.oidmLatency.record(duration: ContinuousClock.now - started)
            metrics.record(verdict)
            if case .unavailable(let detail) = verdict {
                logger.warning("OIDM unavailable", metadata: ["error": .string(detail), "request_id": .string(requestID ?? "")])
            }
            breaker.record(success: verdict.isAnswer)
            let now = clock()
            cache.resolve(
                digest, verdict: verdict,
                validUntil: now + Double(settings.cacheTTLSeconds), leeway: leeway,
                invalidUntil: now + Double(settings.negativeCacheTTLSeconds)
            )
            // The other replicas drop what they kept for this token, before this one answers:
            // by the time anyone sees this denial, the others have been told. Only a token
            // whose signature and claims passed here can be cached as valid elsewhere; one the
            // local checks refused (a forgery, garbage) is not worth a message.
            if case .invalid = verdict, let revocations, !cache.failedLocally(digest) { await revocations.publish(digest) }
            promise.succeed(verdict)
        }
    }

    /// Runs `work` in a task whose result lands on `loop`, counted for `drain()`.
    private func tracked(on loop: any EventLoop, trace: ServiceContext?, _ work: @escaping @Sendable () async throws -> AuthDecision) -> EventLoopFuture<AuthDecision> {
        let promise = loop.makePromise(of: AuthDecision.self)
        counted(trace: trace) {
            do {
                promise.succeed(try await work())
            } catch {
                promise.fail(error)
            }
        }
        return promise.futureResult
    }

    /// A task that will complete a promise on an event loop, counted until it ends; its
    /// outbound calls are in the decision's trace.
    private func counted(trace: ServiceContext?, _ work: @escaping @Sendable () async -> Void) {
        inFlight.withLock { $0 += 1 }
        Task {
            defer { inFlight.withLock { $0 -= 1 } }
            if let trace {
                await ServiceContext.withValue(trace) { await work() }
            } else {
                await work()
            }
        }
    }

    /// Waits (at most 5 s) until no task still has a promise to complete.
    func drain() async {
        let deadline = ContinuousClock.now + .seconds(5)
        while inFlight.withLock({ $0 }) > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A request the HTTP parser refused: counted and logged like any other denial.
    func recordUnparseable(_ detail: String) {
        metrics.denied[.malformed]?.increment()
        logger.info("denied", metadata: ["status": "401", "reason": .string(DenyReason.malformed.label), "detail": .string(detail)])
    }

    private func record(_ decision: AuthDecision, _ request: AuthRequest, span: DecisionSpan?, cache: String) -> AuthDecision {
        switch decision.outcome {
        case .allow(let identity):
            metrics.allowed.increment()
            if logger.logLevel <= .debug {
                var metadata: Logger.Metadata = ["sub": .string(identity.subject), "request_id": .string(request.requestID ?? "")]
                for (key, value) in span?.logMetadata ?? [:] { metadata[key] = .string(value) }
                logger.debug("allowed", metadata: metadata)
            }
        case .deny(let reason):
            metrics.denied[reason]?.increment()
            var metadata: Logger.Metadata = [
                "status": .stringConvertible(reason.status),
                "reason": .string(reason.label),
                "uri": .string(String((request.originalURI ?? "").prefix(256))),
                "method": .string(String((request.originalMethod ?? "").prefix(16))),
                "request_id": .string(request.requestID ?? ""),
            ]
            for (key, value) in span?.logMetadata ?? [:] { metadata[key] = .string(value) }
            logger.info("denied", metadata: metadata)
        }
        span?.end(decision, request, cache: cache)
        return decision
    }
}

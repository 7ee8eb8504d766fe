import CoreMetrics
import Curl
import Foundation
import JOSE
import Logging
import Synchronization

/// Holds the verifier built from the current JWKS (a file or a URL) and refreshes it when a
/// token names a `kid` it does not know, at most once per `min_refresh_interval_s`, so that
/// a flood of unknown kids cannot turn into a flood of JWKS fetches.
package final class KeySetProvider: Sendable {
    package struct LoadError: Error, CustomStringConvertible {
        package let description: String
    }

    private struct State {
        var verifier: JWSVerifier?
        var lastAttempt: ContinuousClock.Instant?
        var refreshing = false
    }

    private let settings: JWKSSettings
    private let policy: TokenPolicy
    private let http: CurlClient
    private let logger: Logger
    private let state = Mutex(State())
    /// Loads that succeeded and failed.
    private let counters: (loaded: Counter, errors: Counter)

    init(settings: JWKSSettings, policy: TokenPolicy, http: CurlClient, counters: (loaded: Counter, errors: Counter), logger: Logger) {
        self.settings = settings
        self.policy = policy
        self.http = http
        self.counters = counters
        self.logger = logger
    }

    var verifier: JWSVerifier? { state.withLock { $0.verifier } }

    /// Loads the key set now; throws with an operator-facing message when it cannot.
    func load() async throws(LoadError) {
        let bytes = try await fetch()
        let keys: JWKS
        do {
            keys = try JWKS(json: bytes, allowSymmetric: policy.allowsSymmetricKeys)
        } catch {
            throw LoadError(description: "\(sourceName): not a usable JWKS: \(error)")
        }
        guard !keys.keys.isEmpty else {
            throw LoadError(description: "\(sourceName): no usable key (\(keys.skipped.joined(separator: "; ")))")
        }
        for reason in keys.skipped {
            logger.warning("JWKS key ignored", metadata: ["reason": .string(reason)])
        }
        let verifier = JWSVerifier(keys: keys, algorithms: policy.algorithms, maxTokenBytes: policy.maxBytes)
        state.withLock {
            $0.verifier = verifier
            $0.lastAttempt = .now
        }
        counters.loaded.increment()
    }

    /// Reloads when allowed by the rate limit; true when a new key set is in place.
    func refreshForUnknownKey() async -> Bool {
        let configured = Duration.seconds(settings.minRefreshIntervalSeconds)
        let go = state.withLock { state -> Bool in
            if state.refreshing { return false }
            // With no keys at all every request fails, so retry sooner, but still not per request.
            let minimum = state.verifier == nil ? min(configured, .seconds(1)) : configured
            if let last = state.lastAttempt, ContinuousClock.now - last < minimum { return false }
            state.refreshing = true
            state.lastAttempt = .now
            return true
        }
        guard go else { return false }
        defer { state.withLock { $0.refreshing = false } }
        do {
            try await load()
            return true
        } catch {
            counters.errors.increment()
            logger.error("JWKS refresh failed", metadata: ["error": .string(error.description)])
            return false
        }
    }

    private var sourceName: String {
        switch settings.source {
        case .file(let path): "jwks.file \(path)"
        case .url(let url): "jwks.url \(url)"
        }
    }

    private func fetch() async throws(LoadError) -> [UInt8] {
        switch settings.source {
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LoadError(description: "\(sourceName): cannot read the file")
            }
            return Array(data)
        case .url(let url):
            do {
                let response = try await http.execute(CurlRequest(url: url, timeout: .seconds(5), maxResponseBytes: 1 << 20, tls: settings.tls))
                guard response.status == 200 else { throw LoadError(description: "\(sourceName): HTTP \(response.status)") }
                return response.body
            } catch let error as LoadError {
                throw error
            } catch {
                throw LoadError(description: "\(sourceName): \(error)")
            }
        }
    }
}

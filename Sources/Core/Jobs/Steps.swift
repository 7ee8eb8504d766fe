import Curl
import EdgeRuntime
import JSON

/// One step per unfinished status, each an HTTP call to refdata or the SOAP bridge.
struct Steps: Sendable {
    let http: CurlClient
    let settings: JobSettings
    let registry: MetricsRegistry
    /// The core's own tokens toward each service, when it has an identity there.
    let refdataToken: ServiceToken?
    let bridgeToken: ServiceToken?
    /// The batch's sources and document types at refdata: one call answers every request in
    /// hand that asked while the call before it was in flight.
    let refdataLookups = SharedLookups<Result<CurlResponse, StepFailure>>()

    /// The step's name (for failure records) and its result. `fresh`: this worker has just
    /// recorded the request SUBMITTING itself, so nothing was sent yet; a request claimed
    /// SUBMITTING may have been sent by a worker that died, and is looked up first.
    func run(_ request: ClaimedRequest, fresh: Bool = false) async -> (step: String, result: StepResult) {
        let step = Self.name(of: request.status)
        switch request.status {
        case .received: return (step, await validate(request))
        case .validated: return (step, await enrich(request))
        case .submitting: return (step, fresh ? await submit(request) : await recover(request))
        case .submitted: return (step, await poll(request))
        case .enriched:
            // The runner records SUBMITTING before it sends anything (`beginSubmission`).
            return (step, .failure(StepFailure(code: "not_begun", message: "a submission is sent only once it is recorded"), retry: true))
        case .uncertain, .completed, .rejected, .failed:
            return (step, .failure(StepFailure(code: "not_workable", message: "the request waits for an operator or is final"), retry: false))
        }
    }

    /// The step a request in `status` is due for.
    static func name(of status: RequestStatus) -> String {
        switch status {
        case .received: "validate"
        case .validated: "enrich"
        case .enriched, .submitting: "submit"
        case .submitted: "poll"
        case .uncertain, .completed, .rejected, .failed: "none"
        }
    }

    /// A source refdata knows is allowed unless its value says `"allowed": false`.
    private func validate(_ request: ClaimedRequest) async -> StepResult {
        let answer = await lookup("\(settings.refdataURL)/refdata/v1/sources/\(request.source)")
        switch answer {
        case .failure(let failure): return .failure(failure, retry: true)
        case .success(let response) where response.status == 404: return .advance(to: .rejected)
        case .success(let response) where response.status == 200:
            guard let value = Self.member("value", of: response.body), case .object(let range) = value else {
                return .failure(StepFailure(code: "refdata_invalid", message: "refdata answered a source without an object value"), retry: true)
            }
            let allowed = (try? JSONTopLevel.members(of: Array(response.body[range])))?.first { $0.name == "allowed" }?.value
            return allowed == .bool(false) ? .advance(to: .rejected) : .advance(to: .validated)
        case .success(let response): return .failure(Self.upstream("refdata", response), retry: true)
        }
    }

    private func enrich(_ request: ClaimedRequest) async -> StepResult {
        let answer = await lookup("\(settings.refdataURL)/refdata/v1/enrichment/\(request.documentType)")
        switch answer {
        case .failure(let failure): return .failure(failure, retry: true)
        case .success(let response) where response.status == 404: return .advance(to: .enriched, enrichment: "{}")
        case .success(let response) where response.status == 200:
            guard case .object(let range)? = Self.member("value", of: response.body) else {
                return .failure(StepFailure(code: "refdata_invalid", message: "refdata answered enrichment without an object value"), retry: true)
            }
            return .advance(to: .enriched, enrichment: Self.compact(Array(response.body[range])))
        case .success(let response): return .failure(Self.upstream("refdata", response), retry: true)
        }
    }

    /// A Thunderhead batch for the request, under its recorded name. Refusals (4xx) are final;
    /// outages are retried, each retry starting with a lookup, since the batch may have
    /// arrived even when the answer did not.
    private func submit(_ request: ClaimedRequest) async -> StepResult {
        guard let name = request.batchName else {
            return .failure(StepFailure(code: "no_batch_name", message: "a request SUBMITTING without a batch name"), retry: false)
        }
        let enrichment = request.enrichment ?? "{}"
        let settingsOf = (try? JSONTopLevel.members(of: Array(enrichment.utf8))) ?? []
        func number(_ name: String, _ fallback: String) -> String {
            if case .number(let value)? = settingsOf.first(where: { $0.name == name })?.value { return value.text }
            return fallback
        }
        var body = "{\"batchConfigResID\":\(number("batchConfigResID", "1")),\"batchName\":\"\(name)\","
        body += "\"projectID\":\(number("projectID", "1")),\"jobType\":\"BATCH\",\"transactionData\":{\"requestId\":\"\(request.id)\",\"documentType\":"
        JSONString.appendQuoted(request.documentType, to: &body)
        body += ",\"data\":\(request.data),\"recipient\":\(request.recipient ?? "null"),\"enrichment\":\(enrichment)},"
        body += "\"properties\":{\"requestId\":\"\(request.id)\",\"correlationId\":"
        JSONString.appendQuoted(request.correlationId ?? request.id, to: &body)
        body += "}}"
        let answer = await call("POST", "\(settings.bridgeURL)/thunderhead/v1/batches", service: "soap_bridge", body: body)
        switch answer {
        case .failure(let failure): return unanswered(failure, request)
        case .success(let response) where response.status == 201:
            guard case .string(let batch)? = Self.member("batchId", of: response.body) else {
                return unanswered(StepFailure(code: "soap_bridge_invalid", message: "the bridge answered 201 without a batchId"), request)
            }
            // Rendering takes a while: the first look is one interval away, like the next ones.
            return .advance(to: .submitted, batchId: batch, dueInMs: settings.interval.wholeMilliseconds)
        case .success(let response) where response.status >= 500:
            return unanswered(Self.upstream("soap_bridge", response), request)
        case .success(let response): return .failure(Self.upstream("soap_bridge", response), retry: Self.retryable(response.status))
        }
    }

    /// A request found SUBMITTING: its batch may be in Thunderhead already. Found, it is
    /// adopted; known to be absent, it is sent; when nobody can say, the request is UNCERTAIN
    /// (at once when there is no lookup, after the attempts when the lookup fails).
    private func recover(_ request: ClaimedRequest) async -> StepResult {
        guard let name = request.batchName else {
            return .failure(StepFailure(code: "no_batch_name", message: "a request SUBMITTING without a batch name"), retry: false)
        }
        guard settings.batchLookup else {
            lookups("off")
            return .uncertain(StepFailure(code: "batch_lookup_off", message: "batch \(name) may have been sent, and soap_bridge.batch_lookup is off"))
        }
        let answer = await call("GET", "\(settings.bridgeURL)/thunderhead/v1/batch-names/\(name)", service: "soap_bridge")
        switch answer {
        case .failure(let failure):
            lookups("failed")
            return unanswered(failure, request)
        case .success(let response) where response.status == 200:
            guard let batches = (try? StrictJSON.parse(response.body))?["batches"]?.arrayValue else {
                lookups("failed")
                return unanswered(StepFailure(code: "soap_bridge_invalid", message: "the batch lookup answered without a batches array"), request)
            }
            guard let found = batches.first else {
                lookups("absent")
                return await submit(request)
            }
            guard let batch = found["batchId"]?.stringValue, ReferenceKey.isValid(batch) else {
                lookups("failed")
                return unanswered(StepFailure(code: "soap_bridge_invalid", message: "the batch lookup answered a batch without a usable batchId"), request)
            }
            lookups("adopted")
            return .advance(to: .submitted, batchId: batch)
        case .success(let response) where [404, 405, 501].contains(response.status):
            lookups("unsupported")
            var failure = Self.upstream("soap_bridge", response)
            failure.code = "batch_lookup_unsupported"
            failure.message = "batch \(name) may have been sent, and the bridge has no batch lookup (HTTP \(response.status))"
            return .uncertain(failure)
        case .success(let response):
            lookups("failed")
            return unanswered(Self.upstream("soap_bridge", response), request)
        }
    }

    /// A submission or lookup that ended without saying whether Thunderhead has the batch:
    /// retried (and looked up first), or UNCERTAIN once the attempts are used up.
    private func unanswered(_ failure: StepFailure, _ request: ClaimedRequest) -> StepResult {
        request.attempts + 1 >= settings.maxAttempts ? .uncertain(failure) : .failure(failure, retry: true)
    }

    private func lookups(_ result: String) {
        registry.counter("oms_core_batch_lookups_total", [("result", result)]).increment()
    }

    private func poll(_ request: ClaimedRequest) async -> StepResult {
        guard let batch = request.batchId else {
            return .failure(StepFailure(code: "no_batch", message: "a submitted request without a batch id"), retry: false)
        }
        let answer = await call("GET", "\(settings.bridgeURL)/thunderhead/v1/batches/\(batch)", service: "soap_bridge")
        switch answer {
        case .failure(let failure): return .failure(failure, retry: true)
        case .success(let response) where response.status == 200:
            switch Self.member("status", of: response.body) {
            case .string("COMPLETED")?: return .advance(to: .completed)
            case .string("FAILED")?:
                let errors = await call("GET", "\(settings.bridgeURL)/thunderhead/v1/batches/\(batch)/errors", service: "soap_bridge")
                var detail: String?
                if case .success(let list) = errors, list.status == 200, Self.member("errors", of: list.body) != nil { detail = Self.compact(list.body) }
                return .failure(StepFailure(code: "batch_failed", message: "Thunderhead batch \(batch) failed", detail: detail), retry: false)
            default: return .wait(delayMs: settings.interval.wholeMilliseconds)
            }
        case .success(let response): return .failure(Self.upstream("soap_bridge", response), retry: Self.retryable(response.status))
        }
    }

    // MARK: Helpers

    /// A refdata GET, shared with the requests in hand that ask for the same URL at once.
    private func lookup(_ url: String) async -> Result<CurlResponse, StepFailure> {
        let (answer, joined) = await refdataLookups.answer(for: url) { await call("GET", url, service: "refdata") }
        if joined { registry.counter("oms_core_refdata_lookups_shared_total").increment() }
        return answer
    }

    private func call(_ method: String, _ url: String, service: String, body: String? = nil) async -> Result<CurlResponse, StepFailure> {
        var headers: [(name: String, value: String)] = body == nil ? [] : [("Content-Type", "application/json")]
        let token = service == "refdata" ? refdataToken : bridgeToken
        if let token {
            switch await token.bearer() {
            case .success(let bearer): headers.append(("Authorization", "Bearer \(bearer)"))
            case .failure(let failure): return .failure(failure)
            }
        }
        let request = CurlRequest(
            url: url, method: method, headers: headers,
            body: body.map { Array($0.utf8) }, timeout: settings.callTimeout,
            tls: service == "refdata" ? settings.refdataTLS : settings.bridgeTLS
        )
        do {
            let response = try await http.execute(request)
            // Refused: the next attempt asks for a new token (revoked, or the keys rotated).
            if response.status == 401 { await token?.forget() }
            return .success(response)
        } catch {
            return .failure(StepFailure(code: "\(service)_unreachable", message: "\(method) \(url): \(error)"))
        }
    }

    /// Worth another attempt: the service failed, or refused the core's own token (revoked,
    /// keys rotated, a scope not granted yet), which the operator can mend; a 4xx about the
    /// request itself is final.
    static func retryable(_ status: Int) -> Bool {
        status >= 500 || status == 401 || status == 403 || status == 429
    }

    /// A non-success answer as a failure record, with its JSON body as the detail.
    private static func upstream(_ service: String, _ response: CurlResponse) -> StepFailure {
        let detail = (try? JSONTopLevel.members(of: response.body)) != nil ? compact(response.body) : nil
        return StepFailure(code: "\(service)_\(response.status)", message: "\(service) answered HTTP \(response.status)", detail: detail)
    }

    private static func member(_ name: String, of body: [UInt8]) -> JSONTopLevel.Value? {
        ((try? JSONTopLevel.members(of: body)) ?? nil)?.first { $0.name == name }?.value
    }

    private static func compact(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        bytes.withUnsafeBufferPointer { JSONCompaction.append($0, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}

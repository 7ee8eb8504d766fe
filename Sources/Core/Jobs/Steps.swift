import Curl
import EdgeRuntime
import JSON

/// One step per unfinished status, each an HTTP call to refdata or the SOAP bridge.
struct Steps: Sendable {
    let http: CurlClient
    let settings: JobSettings
    /// The core's own tokens toward each service, when it has an identity there.
    let refdataToken: ServiceToken?
    let bridgeToken: ServiceToken?

    /// The step's name (for failure records) and its result.
    func run(_ request: ClaimedRequest) async -> (step: String, result: StepResult) {
        let step = Self.name(of: request.status)
        switch request.status {
        case .received: return (step, await validate(request))
        case .validated: return (step, await enrich(request))
        case .enriched: return (step, await submit(request))
        case .submitted: return (step, await poll(request))
        case .completed, .rejected, .failed:
            return (step, .failure(StepFailure(code: "final", message: "the request is already final"), retry: false))
        }
    }

    /// The step a request in `status` is due for.
    static func name(of status: RequestStatus) -> String {
        switch status {
        case .received: "validate"
        case .validated: "enrich"
        case .enriched: "submit"
        case .submitted: "poll"
        case .completed, .rejected, .failed: "none"
        }
    }

    /// A source refdata knows is allowed unless its value says `"allowed": false`.
    private func validate(_ request: ClaimedRequest) async -> StepResult {
        let answer = await call("GET", "\(settings.refdataURL)/refdata/v1/sources/\(request.source)", service: "refdata")
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
        let answer = await call("GET", "\(settings.refdataURL)/refdata/v1/enrichment/\(request.documentType)", service: "refdata")
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

    /// A Thunderhead batch for the request. Refusals (4xx) are final; outages are retried.
    private func submit(_ request: ClaimedRequest) async -> StepResult {
        let enrichment = request.enrichment ?? "{}"
        let settingsOf = (try? JSONTopLevel.members(of: Array(enrichment.utf8))) ?? []
        func number(_ name: String, _ fallback: String) -> String {
            if case .number(let value)? = settingsOf.first(where: { $0.name == name })?.value { return value.text }
            return fallback
        }
        var body = "{\"batchConfigResID\":\(number("batchConfigResID", "1")),\"batchName\":\"oms-\(request.id)\","
        body += "\"projectID\":\(number("projectID", "1")),\"jobType\":\"BATCH\",\"transactionData\":{\"requestId\":\"\(request.id)\",\"documentType\":"
        JSONString.appendQuoted(request.documentType, to: &body)
        body += ",\"data\":\(request.data),\"recipient\":\(request.recipient ?? "null"),\"enrichment\":\(enrichment)},"
        body += "\"properties\":{\"requestId\":\"\(request.id)\",\"correlationId\":"
        JSONString.appendQuoted(request.correlationId ?? request.id, to: &body)
        body += "}}"
        let answer = await call("POST", "\(settings.bridgeURL)/thunderhead/v1/batches", service: "soap_bridge", body: body)
        switch answer {
        case .failure(let failure): return .failure(failure, retry: true)
        case .success(let response) where response.status == 201:
            guard case .string(let batch)? = Self.member("batchId", of: response.body) else {
                return .failure(StepFailure(code: "soap_bridge_invalid", message: "the bridge answered 201 without a batchId"), retry: true)
            }
            return .advance(to: .submitted, batchId: batch)
        case .success(let response): return .failure(Self.upstream("soap_bridge", response), retry: Self.retryable(response.status))
        }
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

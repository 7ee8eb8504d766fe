import Curl
import EdgeRuntime
import Foundation
import JSON

/// The core's own bearer token toward one service, from the client-credentials grant: asked
/// for when first needed, kept until shortly before it expires, asked for again after the
/// service refused it. Concurrent callers share one request. A refused or failing grant is a
/// step failure like an unreachable service: retried with backoff, and recorded.
actor ServiceToken {
    private let credentials: ClientCredentials
    private let service: String
    private let http: CurlClient
    private let timeout: Duration
    private var current: (token: String, renewAt: ContinuousClock.Instant)?
    private var pending: Task<Result<String, StepFailure>, Never>?

    init(_ credentials: ClientCredentials, service: String, http: CurlClient, timeout: Duration) {
        self.credentials = credentials
        self.service = service
        self.http = http
        self.timeout = timeout
    }

    /// The token to send, or why there is none.
    func bearer() async -> Result<String, StepFailure> {
        if let current, ContinuousClock.now < current.renewAt { return .success(current.token) }
        if let pending { return await pending.value }
        let task = Task { await self.request() }
        pending = task
        let result = await task.value
        pending = nil
        return result
    }

    /// The service answered 401: the token may be revoked or its keys rotated.
    func forget() {
        current = nil
    }

    private func request() async -> Result<String, StepFailure> {
        var form = "grant_type=client_credentials"
        if !credentials.scope.isEmpty { form += "&scope=" + FormFields.encode(credentials.scope) }
        // RFC 6749 §2.3.1: the id and secret, each form-encoded, in HTTP Basic.
        let basic = Data("\(FormFields.encode(credentials.clientID)):\(FormFields.encode(credentials.clientSecret.value))".utf8).base64EncodedString()
        let failure = { (message: String) in
            Result<String, StepFailure>.failure(StepFailure(code: "\(self.service)_token_failed", message: "token for \(self.service) from \(self.credentials.tokenURL): \(message)"))
        }
        let response: CurlResponse
        do {
            response = try await http.execute(CurlRequest(
                url: credentials.tokenURL, method: "POST",
                headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", "Basic \(basic)"), ("Accept", "application/json")],
                body: Array(form.utf8), timeout: timeout, maxResponseBytes: 64 * 1024, tls: credentials.tls
            ))
        } catch {
            return failure("\(error)")
        }
        guard response.status == 200 else {
            // The provider's error code (invalid_client, …), never the body as a whole.
            let code = (try? StrictJSON.parse(response.body))?["error"]?.stringValue.map { " \($0)" } ?? ""
            return failure("HTTP \(response.status)\(code)")
        }
        guard let body = try? StrictJSON.parse(response.body), let token = body["access_token"]?.stringValue, !token.isEmpty,
              body["token_type"]?.stringValue?.lowercased() == "bearer" else {
            return failure("not a bearer token answer")
        }
        let lifetime = max(body["expires_in"]?.numberValue ?? 60, 1)
        // Renewed before it expires: a tenth of its life, at least 5 s and at most 60 s early.
        let margin = min(max(lifetime / 10, 5), 60)
        current = (token, ContinuousClock.now + .milliseconds(Int64(max(lifetime - margin, 1) * 1000)))
        return .success(token)
    }
}

import Curl
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// All Curl tests run one at a time: several measure wall-clock time (timeouts,
/// cancellation), one changes the process environment, and one opens 200 connections.
/// On a 2-core machine running them in parallel would make the timing assertions flaky.
@Suite(.serialized)
struct CurlTests {}

/// Runs `body` with a fresh client and always shuts it down afterwards.
func withClient<T>(
    _ configuration: CurlClient.Configuration = .init(),
    _ body: (CurlClient) async throws -> T
) async throws -> T {
    let client = CurlClient(configuration: configuration)
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// Runs `request` and returns the `CurlError` it fails with (records an issue if it succeeds).
func curlError(
    _ client: CurlClient,
    _ request: CurlRequest,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> CurlError? {
    do {
        let response = try await client.execute(request)
        Issue.record("expected an error, got status \(response.status)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

extension CurlResponse {
    var text: String { String(decoding: self.body, as: UTF8.self) }
}

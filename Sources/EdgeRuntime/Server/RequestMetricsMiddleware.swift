import CoreMetrics
import Hummingbird

/// Every request a role answers, counted by the class of its status and timed: the part of
/// the shared pipeline that lets one dashboard (and one alert on 5xx) cover every role. The
/// series exist from start-up, so an alert on `increase()` sees even the first failure. At
/// debug level each answer is also a log line (with the request's id, and its trace's).
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let answered: [Counter]
    private let duration: Timer

    public init(metrics: MetricsRegistry) {
        metrics.describe("oms_http_requests_total", "HTTP requests the role answered, by status class (2xx, 3xx, 4xx, 5xx).")
        metrics.describe("oms_http_request_duration_seconds", "Time from a request's head to its answer.")
        answered = ["2xx", "3xx", "4xx", "5xx"].map { metrics.counter("oms_http_requests_total", [("class", $0)]) }
        duration = metrics.timer("oms_http_request_duration_seconds")
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(response.status.code, since: started, request, context)
            return response
        } catch let error as any HTTPResponseError {
            record(error.status.code, since: started, request, context)
            throw error
        } catch {
            record(500, since: started, request, context)
            throw error
        }
    }

    private func record(_ status: Int, since started: ContinuousClock.Instant, _ request: Request, _ context: Context) {
        let elapsed = ContinuousClock.now - started
        answered[min(max(status / 100, 2), 5) - 2].increment()
        duration.record(duration: elapsed)
        if context.logger.logLevel <= .debug {
            context.logger.debug("answered", metadata: [
                "method": .string(request.method.rawValue), "path": .string(String(request.uri.path.prefix(256))),
                "status": .stringConvertible(status), "duration_ms": .stringConvertible(elapsed.wholeMilliseconds),
            ])
        }
    }
}

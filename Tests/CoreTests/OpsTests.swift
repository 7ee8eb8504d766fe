@testable import Core
import Curl
import Database
import Foundation
import JSON
import TestSupport
import Testing

/// The operator console over HTTP (and its rendering in headless Chromium), on SQLite and
/// PostgreSQL.
@Suite struct OpsTests {
    static let hostile = "<script>alert(1)</script> & \"quoted\""

    @Test func pagesEscapeWhatClientsAndUpstreamsSaid() throws {
        let page = try OpsPage()
        let record = RequestRecord(
            id: "018bcfe5-6800-7000-8000-000000000000", status: .failed, source: "crm<b>", documentType: "invoice", correlationId: Self.hostile,
            attempts: 2, batchId: "b<1>", createdAtMs: 1_000, updatedAtMs: 2_500,
            history: [.init(status: .received, atMs: 1_000), .init(status: .failed, atMs: 2_500)], traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        )
        let detail = RequestDetail(
            record: record, idempotencyKey: "k<1>", data: #"{"note":"<img src=x onerror=alert(1)>"}"#, recipient: nil, enrichment: nil, dueAtMs: 0,
            leaseOwner: nil, leaseUntilMs: nil,
            failures: [RequestFailure(step: "poll", attempt: 1, code: "x<y", message: Self.hostile, detail: #"{"fault":"</pre><script>"}"#, atMs: 2_500)],
            event: PublishedEvent(eventID: "e-1", payload: #"{"data":"<svg onload=x>"}"#, createdAtMs: 2_500, sentAtMs: nil)
        )
        let html = page.detail(detail, csrf: "tok\"en", notice: nil)
        for raw in ["<script>alert", "<img src", "</pre><script>", "<svg onload", "crm<b>", "b<1>", "k<1>", "x<y", "tok\"en"] {
            #expect(!html.contains(raw), "\(raw)")
        }
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(html.contains("4bf92f3577b34da6a3ce929d0e0e4736"), "the trace id")
        #expect(html.contains("+1.5 s"), "the time between two history entries")
        #expect(html.contains("waiting in the outbox"))
        #expect(html.contains(#"action="/ops/rerun/018bcfe5-6800-7000-8000-000000000000""#))
        #expect(!html.contains(#"http-equiv="refresh""#), "a final request's page does not reload itself")

        let overview = page.overview(counts: [], backlog: .init(OutboxBacklog(unsent: 0, oldestMs: nil)), failed: [], charts: "", notice: nil)
        #expect(overview.contains("Nothing has failed."))
        // No notice, no paragraph (it once said "nil").
        #expect(!overview.contains(#"id="notice""#), "\(overview)")
        #expect(!overview.contains("nil"))
        #expect(overview.contains(#"http-equiv="refresh""#))
        #expect(page.overview(counts: [], backlog: .init(OutboxBacklog(unsent: 0, oldestMs: nil)), failed: [], charts: "", notice: "Done.").contains(#"<p class="notice" id="notice">Done.</p>"#))
    }

    /// Three requests: one FAILED (Thunderhead), one REJECTED (unknown source), one COMPLETED.
    func threeRequests(_ backend: TestDatabase) async throws -> (CoreStack, Upstreams, failed: String, rejected: String, done: String) {
        let upstreams = try await Upstreams.start()
        try await upstreams.put("sources/crm", "{}")
        let core = try await CoreStack.start(backend, jobs: upstreams.jobSettings)
        core.runJobs()
        let failed = try #require(try await core.submit(PipelineTests.body(data: #"{"note":"FAIL"}"#), key: "key-failed").body?["id"]?.stringValue)
        let rejected = try #require(try await core.submit(PipelineTests.body(source: "nobody"), key: "key-rejected").body?["id"]?.stringValue)
        let done = try #require(try await core.submit(PipelineTests.body(), key: "key-done").body?["id"]?.stringValue)
        for id in [failed, rejected, done] { _ = try await core.waitForFinal(id) }
        return (core, upstreams, failed, rejected, done)
    }

    @Test(arguments: TestDatabase.allCases)
    func operatorsFindRequestsAndRerunThem(_ backend: TestDatabase) async throws {
        let (core, upstreams, failed, rejected, done) = try await threeRequests(backend)
        let page = try await core.call("GET", "/ops")
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains(#"<tr id="r-\#(failed)">"#), "the latest failures")
        #expect(!page.text.contains(done))
        #expect(page.text.contains(#"<td><a href="/ops/requests?status=COMPLETED">COMPLETED</a></td><td>1</td>"#))
        // No Kafka here: the three final statuses wait in the outbox.
        #expect(page.text.contains("Final-status events waiting for Kafka: <b>3</b>, the oldest written 20"), "\(page.text)")

        // The list: newest first, and each filter narrows it.
        func ids(_ query: String) async throws -> [String] {
            let text = try await core.call("GET", "/ops/requests\(query)").text
            return [failed, rejected, done].filter { text.contains(#"<tr id="r-\#($0)">"#) }
        }
        #expect(try await ids("") == [failed, rejected, done])
        let all = try await core.call("GET", "/ops/requests").text
        #expect(all.range(of: done)!.lowerBound < all.range(of: failed)!.lowerBound, "newest first")
        #expect(try await ids("?status=FAILED") == [failed])
        #expect(try await ids("?status=rejected") == [rejected])
        #expect(try await ids("?source=nobody") == [rejected])
        #expect(try await ids("?source=crm&type=invoice") == [failed, done])
        #expect(try await ids("?type=letter") == [])
        #expect(try await ids("?q=\(rejected)") == [rejected])
        #expect(try await ids("?q=key-done") == [done], "by idempotency key")
        #expect(try await ids("?from=2000-01-01T00:00&to=2999-01-01T00:00") == [failed, rejected, done])
        #expect(try await ids("?to=2000-01-01T00:00") == [])
        let unknown = try await core.call("GET", "/ops/requests?status=SHREDDED&from=yesterday").text
        #expect(unknown.contains(#"id="dropped""#))
        #expect(!unknown.contains("SHREDDED") && !unknown.contains("yesterday"), "nothing from the query is echoed")

        // The request's page: every field, the history, the failure with its detail, the event.
        let detail = try await core.call("GET", "/ops/requests/\(failed)")
        #expect(detail.status == 200)
        for part in ["key-failed", "batch_failed", "RECEIVED", "SUBMITTED", "FAILED", "waiting in the outbox", "&quot;type&quot; : &quot;com.oms.document.status.v1&quot;", #"id="rerun""#] {
            #expect(detail.text.contains(part), "\(part)")
        }
        #expect(try await core.call("GET", "/ops/requests/nonsense").status == 404)
        #expect(try await core.call("GET", "/ops/requests/\(done)").text.contains(#"id="rerun""#) == false, "a completed request cannot be rerun")

        // Rerun from the request's page: back to the page, with a fixed notice.
        let rerun = try await core.call("POST", "/ops/rerun/\(rejected)")
        #expect(rerun.status == 303)
        #expect(rerun.header("Location") == "/ops/requests/\(rejected)?notice=rerun")
        #expect(try await core.call("POST", "/ops/rerun/\(done)").status == 409)
        #expect(try await core.call("POST", "/ops/rerun/nonsense").status == 404)
        let history = try await core.call("GET", "/v1/requests/\(rejected)").body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
        #expect(Array(history.prefix(3)) == ["RECEIVED", "REJECTED", "RECEIVED"], "\(history)")

        // Nothing from the query string reaches a page.
        for query in ["notice=%3Cb%3Ehello", "rerun=hello", "notice=hello"] {
            let text = try await core.call("GET", "/ops?\(query)").text
            #expect(!text.contains("hello") && !text.contains(#"id="notice""#), "\(query)")
        }

        // A real browser renders it.
        let dom = try await Chromium.dumpDOM("http://127.0.0.1:\(core.port)/ops/requests/\(rejected)?notice=rerun")
        #expect(dom.contains("was sent back to work"), "\(dom.prefix(300))")
        await core.stop()
        await upstreams.stop()
    }

    @Test(arguments: TestDatabase.allCases)
    func bulkRerunSaysHowManyFirst(_ backend: TestDatabase) async throws {
        let (core, upstreams, failed, _, _) = try await threeRequests(backend)
        let second = try #require(try await core.submit(PipelineTests.body(data: #"{"note":"FAIL again"}"#), key: "key-failed-2").body?["id"]?.stringValue)
        _ = try await core.waitForFinal(second)
        func post(_ form: String) async throws -> JSONAnswer {
            JSONAnswer(try await core.http.execute(CurlRequest(
                url: "http://127.0.0.1:\(core.port)/ops/rerun", method: "POST",
                headers: [("Content-Type", "application/x-www-form-urlencoded")], body: Array(form.utf8), timeout: .seconds(10)
            )))
        }
        // The list offers it; the first post only asks, with the count.
        #expect(try await core.call("GET", "/ops/requests?status=FAILED").text.contains(#"id="bulk""#))
        let ask = try await post("source=crm")
        #expect(ask.status == 200)
        #expect(ask.text.contains("Send <b>2</b> FAILED request(s) back to work"), "\(ask.text)")
        #expect(ask.text.contains(#"<input type="hidden" name="confirm" value="yes">"#))
        #expect(try await core.call("GET", "/v1/requests/\(failed)").body?["status"]?.stringValue == "FAILED", "asking changed nothing")
        #expect(try await post("source=nobody").text.contains("No FAILED request matches"))
        // Confirmed: both go back to work, and the list says so.
        let confirmed = try await post("source=crm&confirm=yes")
        #expect(confirmed.status == 303)
        #expect(confirmed.header("Location") == "/ops/requests?status=FAILED&source=crm&notice=bulk")
        for id in [failed, second] {
            let history = try await core.call("GET", "/v1/requests/\(id)").body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
            let failedAt = try #require(history.firstIndex(of: "FAILED"), "\(history)")
            #expect(history.count > failedAt + 1, "\(id) was sent back to work: \(history)")
        }
        await core.stop()
        await upstreams.stop()
    }

    /// Through the gateway, a signed-in browser's requests carry `X-OMS-CSRF` (set by nginx
    /// from oms auth's answer): the pages' forms carry it, and a post must send it back.
    @Test func formsOfABrowserSessionNeedItsAntiForgeryToken() async throws {
        let (core, upstreams, _, rejected, _) = try await threeRequests(.sqlite)
        let token = "k9Jx-session-token_0123456789abcdefghijklmnopq"
        let page = try await core.call("GET", "/ops/requests/\(rejected)", headers: [("X-OMS-CSRF", token)])
        #expect(page.text.contains(#"<input type="hidden" name="csrf" value="\#(token)">"#))
        #expect(try await core.call("GET", "/ops/requests?status=FAILED", headers: [("X-OMS-CSRF", token)]).text.contains(#"name="csrf" value="\#(token)""#))
        #expect(!(try await core.call("GET", "/ops/requests/\(rejected)")).text.contains(#"name="csrf""#))

        func post(_ path: String, _ form: String?) async throws -> JSONAnswer {
            JSONAnswer(try await core.http.execute(CurlRequest(
                url: "http://127.0.0.1:\(core.port)\(path)", method: "POST",
                headers: [("X-OMS-CSRF", token), ("Content-Type", "application/x-www-form-urlencoded")],
                body: form.map { Array($0.utf8) }, timeout: .seconds(10)
            )))
        }
        for form in [nil, "", "csrf=", "csrf=wrong", "csrf=\(token)x", "other=\(token)", "csrf=\(token.dropLast())"] {
            for path in ["/ops/rerun/\(rejected)", "/ops/rerun"] {
                let refused = try await post(path, form.map { $0 + (path == "/ops/rerun" ? "&confirm=yes" : "") })
                #expect(refused.status == 403, "\(path) \(form ?? "no body")")
                #expect(refused.text.contains("csrf"), "\(refused.text)")
            }
        }
        // The request is untouched by the refused posts, and the right token goes through.
        #expect(try await core.call("GET", "/v1/requests/\(rejected)").body?["status"]?.stringValue == "REJECTED")
        #expect(try await post("/ops/rerun/\(rejected)", "csrf=\(token)").status == 303)
        await core.stop()
        await upstreams.stop()
    }

    /// The overview's numbers come from the stats the triggers keep: they agree with a count
    /// of the table before and after the compaction, and after a rerun.
    @Test(arguments: TestDatabase.allCases)
    func theStatsAgreeWithTheTable(_ backend: TestDatabase) async throws {
        let (core, upstreams, failed, _, _) = try await threeRequests(backend)
        let store = core.role.store
        func scanned() async throws -> [RequestStatus: Int] {
            if let sqlite = store as? SQLiteCoreStore { return try await sqlite.countsByScan() }
            return try await (store as! PostgresCoreStore).countsByScan()
        }
        let expected: [RequestStatus: Int] = [.completed: 1, .failed: 1, .rejected: 1]
        #expect(try await scanned() == expected)
        #expect(try await store.counts() == expected)
        let minute = WallClock.millisecondsNow() / 60_000
        func finished() async throws -> [String: Int64] {
            try await store.stats(.finished, sinceMinute: minute - 5).reduce(into: [:]) { $0[$1.key, default: 0] += $1.n }
        }
        #expect(try await finished() == ["COMPLETED": 1, "FAILED": 1, "REJECTED": 1])
        let durations = try await store.stats(.duration, sinceMinute: minute - 5)
        #expect(durations.map(\.n).reduce(0, +) == 1, "one COMPLETED, one duration: \(durations)")

        #expect(try await store.compactStats(nowMs: WallClock.millisecondsNow()) > 0)
        #expect(try await store.compactStats(nowMs: WallClock.millisecondsNow()) == 0, "nothing left to fold")
        #expect(try await store.counts() == expected)
        #expect(try await finished() == ["COMPLETED": 1, "FAILED": 1, "REJECTED": 1])

        // A rerun moves the counts with it: compared once the jobs have failed it again (its
        // data still asks for that), since two reads while it moves see two moments.
        #expect(try await core.call("POST", "/ops/rerun/\(failed)").status == 303)
        #expect(try await core.waitForFinal(failed).body?["status"] == "FAILED")
        #expect(try await store.counts() == (try await scanned()))
        #expect(try await store.counts() == expected)
        #expect(try await finished() == ["COMPLETED": 1, "FAILED": 2, "REJECTED": 1], "failed twice, counted twice")

        let overview = try await core.call("GET", "/ops").text
        for part in [#"id="finished-60""#, #"id="finished-1440""#, #"id="latency-60""#, #"id="latency-1440""#, "<polyline", #"<tr><th>last hour</th><td>1</td><td>2</td><td>1</td>"#] {
            #expect(overview.contains(part), "\(part)")
        }
        await core.stop()
        await upstreams.stop()
    }
}

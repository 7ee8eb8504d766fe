import Curl
@testable import Core
import Foundation
import JSON
import TestSupport
import Testing

/// The operator page, over HTTP and in headless Chromium.
@Suite struct OpsTests {
    @Test func thePageEscapesWhatUpstreamsSaid() throws {
        let page = try OpsPage()
        let row = OpsPage.Row(
            id: "018bcfe5-6800-7000-8000-000000000000", status: "FAILED", source: "crm", documentType: "invoice", updatedAt: "now",
            traceID: "4bf92f3577b34da6a3ce929d0e0e4736",
            errors: [.init(step: "poll", attempt: 1, code: "x<y", message: "<script>alert(1)</script> & \"quoted\"", at: "then")]
        )
        let html = page.render(counts: [.init(status: "FAILED", count: 1)], backlog: .init(OutboxBacklog(unsent: 0, oldestMs: nil)), rows: [row], notice: nil)
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;"))
        #expect(html.contains("x&lt;y"))
        #expect(html.contains(#"trace <code class="trace">4bf92f3577b34da6a3ce929d0e0e4736</code>"#))
        #expect(html.contains(#"action="/ops/rerun/018bcfe5-6800-7000-8000-000000000000""#))
        #expect(html.contains(#"<p id="outbox">Final-status events waiting for Kafka: <b>0</b>.</p>"#))
        let empty = page.render(counts: [], backlog: .init(OutboxBacklog(unsent: 0, oldestMs: nil)), rows: [], notice: nil)
        #expect(empty.contains("Nothing failed or was rejected."))
        // No notice, no paragraph (it once said "nil").
        #expect(!empty.contains(#"id="notice""#), "\(empty)")
        #expect(!empty.contains("nil"))
        #expect(page.render(counts: [], backlog: .init(OutboxBacklog(unsent: 0, oldestMs: nil)), rows: [], notice: "Done.").contains(#"<p class="notice" id="notice">Done.</p>"#))
    }

    @Test func operatorsSeeFailuresAndRerunThem() async throws {
        let upstreams = try await Upstreams.start()
        try await upstreams.put("sources/crm", "{}")
        let core = try await CoreStack.start(jobs: upstreams.jobSettings)
        core.runJobs()
        let failed = try #require(try await core.submit(PipelineTests.body(data: #"{"note":"FAIL"}"#), key: "f").body?["id"]?.stringValue)
        let rejected = try #require(try await core.submit(PipelineTests.body(source: "nobody"), key: "r").body?["id"]?.stringValue)
        let done = try #require(try await core.submit(PipelineTests.body(), key: "d").body?["id"]?.stringValue)
        for id in [failed, rejected, done] { _ = try await core.waitForFinal(id) }

        let page = try await core.call("GET", "/ops")
        #expect(page.status == 200)
        #expect(page.header("Content-Type")?.hasPrefix("text/html") == true)
        #expect(page.text.contains(#"<tr id="r-\#(failed)">"#))
        #expect(page.text.contains(#"<tr id="r-\#(rejected)">"#))
        #expect(!page.text.contains(done))
        #expect(page.text.contains("batch_failed"))
        #expect(page.text.contains("<td>COMPLETED</td><td>1</td>"))
        #expect(page.text.contains("<td>FAILED</td><td>1</td>"))
        // No Kafka here: the three final statuses wait in the outbox.
        #expect(page.text.contains("Final-status events waiting for Kafka: <b>3</b>, the oldest written 20"), "\(page.text)")

        // The button posts; the answer sends the browser back to the page.
        let rerun = try await core.call("POST", "/ops/rerun/\(rejected)")
        #expect(rerun.status == 303)
        #expect(rerun.header("Location") == "/ops?notice=rerun")
        #expect(try await core.call("GET", "/ops?notice=rerun").text.contains(#"<p class="notice" id="notice">The request was sent back to work.</p>"#))
        // Nothing from the query string reaches the page.
        for query in ["notice=%3Cb%3Ehello", "rerun=hello", "notice=hello"] {
            let text = try await core.call("GET", "/ops?\(query)").text
            #expect(!text.contains("hello") && !text.contains(#"id="notice""#), "\(query)")
        }
        #expect(try await core.call("POST", "/ops/rerun/\(done)").status == 409)
        #expect(try await core.call("POST", "/ops/rerun/nonsense").status == 404)
        // Back to RECEIVED (the jobs may already have rejected it again: the source is still unknown).
        let history = try await core.call("GET", "/v1/requests/\(rejected)").body?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
        #expect(Array(history.prefix(3)) == ["RECEIVED", "REJECTED", "RECEIVED"], "\(history)")

        // A real browser renders it: the DOM has the table rows and the buttons.
        let dom = try await Chromium.dumpDOM("http://127.0.0.1:\(core.port)/ops?notice=rerun")
        #expect(dom.contains(#"id="r-\#(failed)""#), "\(dom.prefix(300))")
        #expect(dom.contains("<button type=\"submit\">Rerun</button>"))
        #expect(dom.contains("was sent back to work"))
        await core.stop()
        await upstreams.stop()
    }

    /// Through the gateway, a signed-in browser's requests carry `X-OMS-CSRF` (set by nginx
    /// from oms auth's answer): the page's forms carry it, and a post must send it back.
    @Test func formsOfABrowserSessionNeedItsAntiForgeryToken() async throws {
        let upstreams = try await Upstreams.start()
        let core = try await CoreStack.start(jobs: upstreams.jobSettings)
        core.runJobs()
        let rejected = try #require(try await core.submit(PipelineTests.body(source: "nobody"), key: "r").body?["id"]?.stringValue)
        _ = try await core.waitForFinal(rejected)
        let token = "k9Jx-session-token_0123456789abcdefghijklmnopq"
        let page = try await core.call("GET", "/ops", headers: [("X-OMS-CSRF", token)])
        #expect(page.text.contains(#"<input type="hidden" name="csrf" value="\#(token)">"#))
        #expect(!(try await core.call("GET", "/ops")).text.contains(#"name="csrf""#))

        func post(_ form: String?) async throws -> JSONAnswer {
            JSONAnswer(try await core.http.execute(CurlRequest(
                url: "http://127.0.0.1:\(core.port)/ops/rerun/\(rejected)", method: "POST",
                headers: [("X-OMS-CSRF", token), ("Content-Type", "application/x-www-form-urlencoded")],
                body: form.map { Array($0.utf8) }, timeout: .seconds(10)
            )))
        }
        for form in [nil, "", "csrf=", "csrf=wrong", "csrf=\(token)x", "other=\(token)", "csrf=\(token.dropLast())"] {
            let refused = try await post(form)
            #expect(refused.status == 403, "\(form ?? "no body")")
            #expect(refused.body?["error"]?["code"]?.stringValue == "csrf" || refused.text.contains("csrf"), "\(refused.text)")
        }
        // The request is untouched by the refused posts, and the right token goes through.
        #expect(try await core.call("GET", "/v1/requests/\(rejected)").body?["status"]?.stringValue == "REJECTED")
        #expect(try await post("csrf=\(token)").status == 303)
        await core.stop()
        await upstreams.stop()
    }
}

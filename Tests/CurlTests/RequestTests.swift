import Curl
import Testing

extension CurlTests {
    @Suite struct Requests {
        @Test func getReturnsStatusHeadersAndBody() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url("/hello")))
                    #expect(response.status == 200)
                    #expect(response.text == "hello world")
                    #expect(response.header("x-server") == "test")
                    #expect(response.header("X-SERVER") == "test")
                    #expect(response.header("Content-Length") == "11")
                    #expect(response.header("x-missing") == nil)
                }
            }
        }

        @Test func postSendsBodyAndCustomHeaders() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let body: [UInt8] = Array("{\"a\":1}".utf8) + [0, 255, 10, 13]
                    let request = CurlRequest(
                        url: server.url("/echo"),
                        method: "POST",
                        headers: [(name: "X-Custom", value: "abc def"), (name: "Content-Type", value: "application/json")],
                        body: body
                    )
                    let response = try await client.execute(request)
                    #expect(response.status == 200)
                    #expect(response.header("x-echo-method") == "POST")
                    #expect(response.header("x-echo-h-x-custom") == "abc def")
                    #expect(response.header("x-echo-h-content-type") == "application/json")
                    #expect(response.header("x-echo-h-content-length") == "\(body.count)")
                    #expect(response.header("x-echo-h-expect") == nil)
                    #expect(response.body == body)
                }
            }
        }

        @Test func bodyWithoutContentTypeGetsNoDefaultContentType() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url("/echo"), method: "POST", body: Array("x=1".utf8)))
                    #expect(response.header("x-echo-h-content-type") == nil)
                    #expect(response.text == "x=1")
                }
            }
        }

        @Test func largePostBodyIsSentWithoutExpectContinue() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let body = [UInt8](repeating: 0x61, count: 2 << 20)
                    let clock = ContinuousClock()
                    let start = clock.now
                    let response = try await client.execute(CurlRequest(url: server.url("/echo"), method: "POST", body: body))
                    #expect(clock.now - start < .milliseconds(900))
                    #expect(response.header("x-echo-h-expect") == nil)
                    #expect(response.body == body)
                }
            }
        }

        @Test func postWithoutBodySendsEmptyBody() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url("/echo"), method: "POST"))
                    #expect(response.header("x-echo-method") == "POST")
                    #expect(response.header("x-echo-h-content-length") == "0")
                    #expect(response.body.isEmpty)
                }
            }
        }

        @Test(arguments: ["PUT", "PATCH"])
        func customMethodWithBody(method: String) async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url("/echo"), method: method, body: Array("payload".utf8)))
                    #expect(response.header("x-echo-method") == method)
                    #expect(response.text == "payload")
                }
            }
        }

        @Test func deleteWithoutBody() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url("/echo?x=1"), method: "DELETE"))
                    #expect(response.status == 200)
                    #expect(response.header("x-echo-method") == "DELETE")
                    #expect(response.header("x-echo-uri") == "/echo?x=1")
                    #expect(response.body.isEmpty)
                }
            }
        }

        @Test func headReturnsHeadersWithoutBody() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let request = CurlRequest(url: server.url("/big/5000"), method: "HEAD", timeout: .seconds(2))
                    let response = try await client.execute(request)
                    #expect(response.status == 200)
                    #expect(response.header("content-length") == "5000")
                    #expect(response.body.isEmpty)
                }
            }
        }

        @Test func emptyHeaderValueIsSent() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let request = CurlRequest(url: server.url("/echo"), headers: [(name: "X-Empty", value: "")])
                    let response = try await client.execute(request)
                    #expect(response.header("x-echo-h-x-empty") == "")
                }
            }
        }

        @Test(arguments: [201, 204, 302, 404, 418, 500, 503])
        func nonSuccessStatusIsAResponse(status: Int) async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url("/status/\(status)")))
                    // 302 carries a Location: still 302 means redirects are not followed.
                    #expect(response.status == status)
                    #expect(response.text == (status == 204 ? "" : "status \(status)"))
                }
            }
        }

        @Test func interimResponseHeadersAreDiscarded() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url("/interim")))
                    #expect(response.status == 200)
                    #expect(response.header("x-final") == "yes")
                    #expect(response.header("link") == nil)
                    #expect(response.headers.count == 2)  // x-final, content-length
                    #expect(response.text == "final")
                }
            }
        }
    }
}

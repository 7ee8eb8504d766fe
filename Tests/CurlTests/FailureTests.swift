import Curl
import Testing

extension CurlTests {
    @Suite struct Failures {
        @Test func slowResponseTimesOut() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let clock = ContinuousClock()
                    let start = clock.now
                    let error = await curlError(client, CurlRequest(url: server.url("/delay/2000"), timeout: .milliseconds(200)))
                    #expect(error?.code == .timeout)
                    #expect(clock.now - start < .milliseconds(1500))
                }
            }
        }

        @Test func refusedConnectionIsCouldNotConnect() async throws {
            let port = try await TestHTTPServer.unusedPort()
            try await withClient { client in
                let error = await curlError(client, CurlRequest(url: "http://127.0.0.1:\(port)/", timeout: .seconds(5)))
                #expect(error?.code == .couldNotConnect)
                #expect(error?.message.isEmpty == false)
            }
        }

        @Test(arguments: ["/big/100001", "/chunked/100001", "/chunked/5000000"])
        func oversizedResponseIsResponseTooLarge(path: String) async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let error = await curlError(client, CurlRequest(url: server.url(path), maxResponseBytes: 100_000))
                    #expect(error?.code == .responseTooLarge)
                }
            }
        }

        @Test(arguments: ["/big/100000", "/chunked/100000"])
        func responseAtTheLimitSucceeds(path: String) async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let response = try await client.execute(CurlRequest(url: server.url(path), maxResponseBytes: 100_000))
                    #expect(response.body.count == 100_000)
                    #expect(response.body == (0..<100_000).map { UInt8($0 % 251) })
                }
            }
        }

        @Test(arguments: [
            CurlRequest(url: "not a url"),
            CurlRequest(url: "/relative/path"),
            CurlRequest(url: "ftp://127.0.0.1/file"),
            CurlRequest(url: "file:///etc/passwd"),
            CurlRequest(url: "http://127.0.0.1/\u{0}"),
            CurlRequest(url: "http://127.0.0.1/", method: "GET /x"),
            CurlRequest(url: "http://127.0.0.1/", method: ""),
            CurlRequest(url: "http://127.0.0.1/", headers: [(name: "X-A", value: "1\r\nX-Injected: 1")]),
            CurlRequest(url: "http://127.0.0.1/", headers: [(name: "Bad Name", value: "1")]),
            CurlRequest(url: "http://127.0.0.1/", maxResponseBytes: -1),
        ])
        func invalidRequestIsRejected(request: CurlRequest) async throws {
            try await withClient { client in
                let error = await curlError(client, request)
                #expect(error?.code == .invalidRequest)
            }
        }

        @Test func errorsDescribeThemselves() {
            let error = CurlError(code: .timeout, message: "Timeout was reached")
            #expect(error.description == "CurlError.timeout: Timeout was reached")
            #expect(CurlError.Code.timeout != .transport)
        }
    }
}

extension CurlRequest: CustomTestStringConvertible {
    public var testDescription: String { "\(self.method) \(self.url.debugDescription)" }
}

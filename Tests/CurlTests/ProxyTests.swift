import Curl
import Testing

extension CurlTests {
    @Suite struct Proxy {
        /// If libcurl honoured these, every request would go to a port nobody listens on and
        /// fail with `.couldNotConnect`.
        @Test func proxyEnvironmentVariablesAreIgnored() async throws {
            let deadPort = try await TestHTTPServer.unusedPort()
            let bogus = "http://127.0.0.1:\(deadPort)"
            try await withTestServer { server in
                try await withEnvironment(["http_proxy": bogus, "HTTPS_PROXY": bogus, "https_proxy": bogus, "ALL_PROXY": bogus, "all_proxy": bogus]) {
                    try await withClient { client in
                        let response = try await client.execute(CurlRequest(url: server.url("/echo")))
                        #expect(response.status == 200)
                        #expect(response.header("x-echo-uri") == "/echo")
                    }
                }
            }
        }

        @Test func configuredProxyIsUsed() async throws {
            try await withTestServer { proxy in
                try await withClient(.init(proxy: "http://127.0.0.1:\(proxy.port)")) { client in
                    let response = try await client.execute(CurlRequest(url: "http://origin.invalid/echo"))
                    #expect(response.status == 200)
                    // Absolute-form request target: the request went through the proxy.
                    #expect(response.header("x-echo-uri") == "http://origin.invalid/echo")
                }
            }
        }

        @Test func unreachableConfiguredProxyIsCouldNotConnect() async throws {
            let deadPort = try await TestHTTPServer.unusedPort()
            try await withClient(.init(proxy: "http://127.0.0.1:\(deadPort)")) { client in
                let error = await curlError(client, CurlRequest(url: "http://origin.invalid/echo", timeout: .seconds(5)))
                #expect(error?.code == .couldNotConnect)
            }
        }
    }
}

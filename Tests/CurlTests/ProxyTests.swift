import Curl
import Testing

extension CurlTests {
    @Suite struct Proxy {
        // That the proxy variables of the environment are ignored is checked in a child
        // process (CommandLineTests.ProxyEnvironmentTests): changing this process's
        // environment races the tests that start processes.

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

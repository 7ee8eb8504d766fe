import Curl
import Testing

extension CurlTests {
    @Suite struct Connections {
        @Test func sequentialRequestsReuseOneConnection() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    for i in 0..<20 {
                        let method = i.isMultiple(of: 2) ? "GET" : "POST"
                        let body: [UInt8]? = method == "POST" ? Array("n=\(i)".utf8) : nil
                        let response = try await client.execute(CurlRequest(url: server.url("/echo"), method: method, body: body))
                        #expect(response.status == 200)
                    }
                    #expect(server.connectionCount == 1)
                }
            }
        }

        @Test func concurrentRequestsAllSucceed() async throws {
            try await withTestServer { server in
                try await withClient { client in
                    let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                        for i in 0..<200 {
                            group.addTask {
                                let response = try await client.execute(CurlRequest(url: server.url("/id/\(i)"), timeout: .seconds(30)))
                                #expect(response.status == 200)
                                return (i, response.text)
                            }
                        }
                        var bodies: [Int: String] = [:]
                        for try await (i, text) in group {
                            bodies[i] = text
                        }
                        return bodies
                    }
                    #expect(bodies.count == 200)
                    for i in 0..<200 {
                        #expect(bodies[i] == "\(i)")
                    }
                }
            }
        }

        @Test func perHostLimitCapsConnections() async throws {
            try await withTestServer { server in
                try await withClient(.init(maxConnectionsPerHost: 2)) { client in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for i in 0..<20 {
                            group.addTask {
                                let response = try await client.execute(CurlRequest(url: server.url("/id/\(i)")))
                                #expect(response.text == "\(i)")
                            }
                        }
                        try await group.waitForAll()
                    }
                    #expect(server.connectionCount <= 2)
                    #expect(server.connectionCount >= 1)
                }
            }
        }
    }
}

import Redis
import Testing
import TestSupport

@Suite(.serialized)
struct RedisClientTests {
    typealias Fixture = RedisFixture

    @Test func setAndGetAreBinarySafe() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                // Every byte value, in a pattern that does not repeat every 256 bytes.
                let megabyte = [UInt8](unsafeUninitializedCapacity: 1_048_576) { buffer, count in
                    for index in 0..<buffer.count { buffer[index] = UInt8(truncatingIfNeeded: index ^ (index >> 8) ^ (index >> 16)) }
                    count = buffer.count
                }
                let values: [[UInt8]] = [
                    [],
                    [0x00],
                    [0x00, 0x0D, 0x0A, 0xFF, 0x00],
                    Array("\r\n$3\r\nfoo\r\n*1\r\n".utf8),
                    Array("héllo ✓".utf8),
                    megabyte,
                ]
                for (index, value) in values.enumerated() {
                    let key: [UInt8] = [0x6B, 0x00, 0x0D, 0x0A, UInt8(index)]
                    #expect(try await client.command([Fixture.bytes("SET"), key, value]) == .status("OK"))
                    let reply = try await client.command([Fixture.bytes("GET"), key])
                    #expect(reply == .string(value), "value \(index) (\(value.count) bytes)")
                    #expect(try await client.command([Fixture.bytes("STRLEN"), key]) == .integer(Int64(value.count)))
                }
                #expect(try await client.command("GET", "plain").isNull)
                _ = try await client.command("SET", "plain", "text ✓")
                #expect(try await client.command("GET", "plain").text == "text ✓")
                _ = try await client.command([Fixture.bytes("SET"), Fixture.bytes("raw"), [0xFF, 0xFE]])
                let raw = try await client.command("GET", "raw")
                #expect(raw.text == nil)
                #expect(raw.bytes == [0xFF, 0xFE])
            }
        }
    }

    @Test func integersAndMissingKeys() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                #expect(try await client.command("INCR", "counter") == .integer(1))
                #expect(try await client.command("INCR", "counter").integer == 2)
                #expect(try await client.command("INCRBY", "counter", "-5") == .integer(-3))
                #expect(try await client.command("INCRBY", "big", "9223372036854775807") == .integer(.max))
                #expect(try await client.command("GET", "missing") == .null)
                #expect(try await client.command("EXISTS", "missing") == .integer(0))
                #expect(try await client.command("PING").text == "PONG")
            }
        }
    }

    @Test func errorRepliesAreValuesNotThrows() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                #expect(try await client.command("LPUSH", "list", "a") == .integer(1))
                guard case .error(let wrongType) = try await client.command("GET", "list") else {
                    Issue.record("GET on a list should be an error reply")
                    return
                }
                #expect(wrongType.hasPrefix("WRONGTYPE"))
                guard case .error(let unknown) = try await client.command("NOSUCHCOMMAND", "x") else {
                    Issue.record("an unknown command should be an error reply")
                    return
                }
                #expect(unknown.hasPrefix("ERR unknown command"))
                // The connection stays usable after error replies.
                #expect(try await client.command("PING") == .status("PONG"))
            }
        }
    }

    @Test func arraysIncludingNestedAndNullElements() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                #expect(try await client.command("MSET", "a", "1", "b", "2") == .status("OK"))
                #expect(try await client.command("MGET", "a", "missing", "b") == .array([.string(Array("1".utf8)), .null, .string(Array("2".utf8))]))
                #expect(try await client.command("LRANGE", "nothing", "0", "-1") == .array([]))
                let nested = try await client.command("EVAL", "return {1, {2, {3, 'x'}}, 'y'}", "0")
                #expect(nested == .array([
                    .integer(1),
                    .array([.integer(2), .array([.integer(3), .string(Array("x".utf8))])]),
                    .string(Array("y".utf8)),
                ]))
                #expect(nested.array?.count == 3)
            }
        }
    }

    /// hiredis 0.14's reader refuses replies nested more than 7 levels deep; the client must
    /// report that as a protocol error and recover on a fresh connection.
    @Test func overlyNestedRepliesAreProtocolErrors() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server), connections: 1) { client throws in
                let fine = try await client.command("EVAL", "return {{{{{{1}}}}}}", "0")
                #expect(fine == .array([.array([.array([.array([.array([.array([.integer(1)])])])])])]))
                let (error, _) = await Fixture.failure { () async throws(RedisError) in
                    try await client.command("EVAL", "return {{{{{{{{{{1}}}}}}}}}}", "0")
                }
                #expect(error?.code == .protocolError)
                #expect(try await client.command("PING") == .status("PONG"))
            }
        }
    }

    @Test func selectIsolatesDatabases() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server, database: 0)) { zero in
                try await Fixture.withClient(Fixture.endpoint(server, database: 1)) { one in
                    _ = try await zero.command("SET", "key", "zero")
                    _ = try await one.command("SET", "key", "one")
                    _ = try await one.command("SET", "only-in-one", "x")
                    #expect(try await zero.command("GET", "key").text == "zero")
                    #expect(try await one.command("GET", "key").text == "one")
                    #expect(try await zero.command("GET", "only-in-one") == .null)
                    #expect(try await zero.command("DBSIZE") == .integer(1))
                    #expect(try await one.command("DBSIZE") == .integer(2))
                }
            }
        }
    }

    @Test func selectingAMissingDatabaseIsAServerError() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server, database: 999)) { client throws in
                let (error, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
                #expect(error?.code == .server)
                #expect(error?.message.contains("SELECT 999") == true)
            }
        }
    }

    @Test func pipelineRepliesComeBackInOrder() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server)) { client throws in
                let commands: [[String]] = [
                    ["SET", "p", "1"],
                    ["INCR", "p"],
                    ["GET", "p"],
                    ["GET", "missing"],
                    ["LPUSH", "p", "x"],
                    ["RPUSH", "list", "a", "b"],
                    ["LRANGE", "list", "0", "-1"],
                    ["PING"],
                ]
                let replies = try await client.pipeline(commands.map { $0.map(Fixture.bytes) })
                #expect(replies.count == commands.count)
                #expect(replies[0] == .status("OK"))
                #expect(replies[1] == .integer(2))
                #expect(replies[2].text == "2")
                #expect(replies[3] == .null)
                #expect(replies[4].text == nil)
                if case .error(let message) = replies[4] { #expect(message.hasPrefix("WRONGTYPE")) } else { Issue.record("expected WRONGTYPE, got \(replies[4])") }
                #expect(replies[5] == .integer(2))
                #expect(replies[6] == .array([.string(Fixture.bytes("a")), .string(Fixture.bytes("b"))]))
                #expect(replies[7] == .status("PONG"))

                let many = try await client.pipeline((0..<1000).map { _ in [Fixture.bytes("INCR"), Fixture.bytes("n")] })
                #expect(many == (1...1000).map { RedisReply.integer(Int64($0)) })
                #expect(try await client.pipeline([]) == [])
            }
        }
    }

    @Test func emptyCommandsAreRejectedBeforeSending() async throws {
        let client = RedisClient(endpoint: RedisEndpoint(host: "127.0.0.1", port: Loopback.freePort()), timeout: .milliseconds(200))
        let (single, _) = await Fixture.failure { () async throws(RedisError) in try await client.command([]) }
        #expect(single?.code == .invalidCommand)
        let (inPipeline, _) = await Fixture.failure { () async throws(RedisError) in
            try await client.pipeline([[Fixture.bytes("PING")], []])
        }
        #expect(inPipeline?.code == .invalidCommand)
        await client.shutdown()
    }

    @Test func concurrentCommandsShareTheConnections() async throws {
        try await Fixture.withServer { server in
            try await Fixture.withClient(Fixture.endpoint(server), connections: 4) { client throws in
                let results = try await withThrowingTaskGroup(of: (Int, RedisReply, RedisReply).self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let set = try await client.command("SET", "key:\(index)", "value:\(index)")
                            let get = try await client.command("GET", "key:\(index)")
                            _ = try await client.command("INCR", "total")
                            return (index, set, get)
                        }
                    }
                    var results: [(Int, RedisReply, RedisReply)] = []
                    for try await result in group { results.append(result) }
                    return results
                }
                #expect(results.count == 200)
                for (index, set, get) in results {
                    #expect(set == .status("OK"))
                    #expect(get.text == "value:\(index)")
                }
                #expect(try await client.command("GET", "total").text == "200")
                // No more than `connections` connections were opened (this one included).
                let list = try await client.command("CLIENT", "LIST").text ?? ""
                #expect(list.split(separator: "\n").count <= 4)
            }
        }
    }

    @Test func shutdownMakesLaterCallsFailWithClosed() async throws {
        try await Fixture.withServer { server in
            let client = RedisClient(endpoint: Fixture.endpoint(server), timeout: .seconds(2))
            #expect(try await client.command("PING") == .status("PONG"))
            await client.shutdown()
            let (single, _) = await Fixture.failure { () async throws(RedisError) in try await client.command("PING") }
            #expect(single?.code == .closed)
            let (pipeline, _) = await Fixture.failure { () async throws(RedisError) in
                try await client.pipeline([[Fixture.bytes("PING")]])
            }
            #expect(pipeline?.code == .closed)
            await client.shutdown()
            // The server sees the connection go away.
            let observer = RedisClient(endpoint: Fixture.endpoint(server), timeout: .seconds(2), connections: 1)
            var clients = 0
            for _ in 0..<100 {
                clients = (try await observer.command("CLIENT", "LIST").text ?? "").split(separator: "\n").count
                if clients == 1 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(clients == 1)
            await observer.shutdown()
        }
    }
}

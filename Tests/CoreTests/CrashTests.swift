import Curl
import Database
import Foundation
import JSON
import Kafka
import TestSupport
import Testing

/// The built `oms core`, killed with SIGKILL in the middle of 1,000 requests and started
/// again: every request reaches exactly one final status, none is lost or advanced twice, and
/// each final status reaches Kafka at least once.
@Suite(.serialized) struct CrashTests {
    static var binary: String? {
        if let path = ProcessInfo.processInfo.environment["OMS_BINARY"] { return path }
        let candidate = Upstreams.root.appendingPathComponent(".build/debug/oms").path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    @Test func killNineInTheMiddleLosesNothing() async throws {
        guard let binary = Self.binary else {
            Issue.record("the oms executable was not found: run `swift build` first (scripts/test.sh does) or set OMS_BINARY")
            return
        }
        let broker = try await KafkaBroker.start()
        try broker.createTopic("oms.document.status", partitions: 4)
        let upstreams = try await Upstreams.start(completeAfterMs: 200)
        try await upstreams.put("sources/crm", "{}")
        let folder = try Self.folder()
        let port = Loopback.freePort()
        let config = try Self.configuration(in: folder, port: port, upstreams: upstreams, extra: """
            jobs: {interval_ms: 20, batch_size: 64, lease_s: 1, backoff_base_ms: 50, max_attempts: 10}
            kafka: {brokers: ["\(broker.brokers[0])"], interval_ms: 20, message_timeout_ms: 5000}
            """)
        func start(_ name: String) throws -> SpawnedProcess { try Self.start(binary, config: config, log: folder.appendingPathComponent("\(name).log")) }
        let http = CurlClient()
        let base = "http://127.0.0.1:\(port)"
        func count(_ status: String) async throws -> Int {
            let answer = try await http.execute(CurlRequest(url: "\(base)/v1/requests?status=\(status)&limit=1000"))
            return (try? StrictJSON.parse(answer.body))?["items"]?.arrayValue?.count ?? 0
        }

        let first = try start("first")
        #expect(await Loopback.waitUntilListening(port))
        var ids: [String] = []
        try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<1000 {
                if index >= 16, let id = try await group.next() { ids.append(id ?? "") }
                group.addTask {
                    let answer = try await http.execute(CurlRequest(
                        url: "\(base)/v1/requests", method: "POST",
                        headers: [("Content-Type", "application/json"), ("Idempotency-Key", "crash-\(index)")],
                        body: Array(#"{"source":"crm","documentType":"invoice","data":{"n":\#(index)}}"#.utf8)
                    ))
                    return (try? StrictJSON.parse(answer.body))?["id"]?.stringValue
                }
            }
            for try await id in group { ids.append(id ?? "") }
        }
        #expect(Set(ids).count == 1000 && !ids.contains(""))
        // Kill it while the jobs are in full swing.
        let deadline = ContinuousClock.now + .seconds(30)
        var completedBefore = 0
        while completedBefore < 50, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            completedBefore = try await count("COMPLETED")
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        // Killed in the middle: some done, most not.
        #expect(completedBefore >= 50 && completedBefore < 900, "\(completedBefore) completed before the kill")

        let second = try start("second")
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        #expect(await Loopback.waitUntilListening(port))
        let end = ContinuousClock.now + .seconds(90)
        var final = 0
        while ContinuousClock.now < end {
            final = try await count("COMPLETED") + count("FAILED") + count("REJECTED")
            if final == 1000 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(final == 1000)
        #expect(try await count("COMPLETED") == 1000)
        // Each request: its statuses once each, in order.
        var wrong: [String] = []
        for id in ids {
            let answer = try await http.execute(CurlRequest(url: "\(base)/v1/requests/\(id)"))
            let history = (try? StrictJSON.parse(answer.body))?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
            if history != ["RECEIVED", "VALIDATED", "ENRICHED", "SUBMITTING", "SUBMITTED", "COMPLETED"] { wrong.append("\(id): \(history)") }
        }
        #expect(wrong.isEmpty, "\(wrong.prefix(3))")
        // Batches the first process sent and did not live to record were adopted, not sent
        // again: Thunderhead got exactly one per request.
        #expect(try await upstreams.thunderheadBatches() == 1000)
        // And exactly one outbox event per request, each written with its final status.
        let database = try await SQLiteFile.open(path: folder.appendingPathComponent("oms.db").path)
        let outbox = try await database.read("SELECT COUNT(*) AS events, COUNT(DISTINCT request_id) AS requests FROM core_outbox")
        #expect(outbox.first?.column("events")?.integer == 1000)
        #expect(outbox.first?.column("requests")?.integer == 1000)
        // The relay of the second process publishes what the first left unsent.
        var unsent: Int64 = -1
        let drained = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < drained {
            unsent = try await database.read("SELECT COUNT(*) AS n FROM core_outbox WHERE sent_at_ms IS NULL").first?.column("n")?.integer ?? -1
            if unsent == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(unsent == 0)
        await database.close()
        let records = try await broker.read(topic: "oms.document.status", partitions: 4, quiet: .seconds(3), limit: .seconds(60))
        let published = Set(records.compactMap { $0.key.map { String(decoding: $0, as: UTF8.self) } })
        #expect(published == Set(ids), "\(records.count) records for \(published.count) of 1,000 requests")
        // Every record is a COMPLETED event; a repeat carries the same event id.
        var eventIDs: [String: String] = [:]
        var inconsistent = 0
        for record in records {
            let event = try? StrictJSON.parse(record.value)
            guard event?["data"]?["status"] == "COMPLETED", let id = event?["subject"]?.stringValue, let eventID = event?["id"]?.stringValue else {
                inconsistent += 1
                continue
            }
            if let seen = eventIDs.updateValue(eventID, forKey: id), seen != eventID { inconsistent += 1 }
        }
        #expect(inconsistent == 0)
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
        await http.shutdown()
        await upstreams.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Killed after Thunderhead took the batch and before the answer came back (the emulator
    /// holds its answers): the process that starts next finds the request SUBMITTING, asks
    /// Thunderhead, and follows the batch it finds. One batch, never two.
    @Test func aCrashBetweenAcceptanceAndRecordAdoptsTheBatch() async throws {
        guard let binary = Self.binary else {
            Issue.record("the oms executable was not found: run `swift build` first (scripts/test.sh does) or set OMS_BINARY")
            return
        }
        let upstreams = try await Upstreams.start(completeAfterMs: 100)
        try await upstreams.put("sources/crm", "{}")
        let folder = try Self.folder()
        let port = Loopback.freePort()
        let config = try Self.configuration(in: folder, port: port, upstreams: upstreams, extra: """
            jobs: {interval_ms: 20, lease_s: 1, backoff_base_ms: 50, call_timeout_ms: 120000}
            """)
        try await upstreams.thunderheadDelay(ms: 120_000)
        let first = try Self.start(binary, config: config, log: folder.appendingPathComponent("first.log"))
        #expect(await Loopback.waitUntilListening(port))
        let http = CurlClient()
        let base = "http://127.0.0.1:\(port)"
        let intake = try await http.execute(CurlRequest(
            url: "\(base)/v1/requests", method: "POST", headers: [("Content-Type", "application/json"), ("Idempotency-Key", "k")],
            body: Array(PipelineTests.body().utf8)
        ))
        let id = try #require((try? StrictJSON.parse(intake.body))?["id"]?.stringValue)
        let accepted = ContinuousClock.now + .seconds(30)
        while try await upstreams.thunderheadBatches() == 0, ContinuousClock.now < accepted {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await upstreams.thunderheadBatches() == 1, "Thunderhead took the batch; its answer is held")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        try await upstreams.thunderheadDelay(ms: 0)
        let stored = try await Self.submission(id, in: folder)
        #expect(stored.status == "SUBMITTING" && stored.batchName == "oms-\(id)", "recorded before it was sent")

        let second = try Self.start(binary, config: config, log: folder.appendingPathComponent("second.log"))
        defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
        #expect(await Loopback.waitUntilListening(port))
        let deadline = ContinuousClock.now + .seconds(30)
        var status = ""
        while ContinuousClock.now < deadline, status != "COMPLETED" {
            try await Task.sleep(for: .milliseconds(100))
            status = (try? StrictJSON.parse(try await http.execute(CurlRequest(url: "\(base)/v1/requests/\(id)")).body))?["status"]?.stringValue ?? ""
        }
        #expect(status == "COMPLETED")
        #expect(try await upstreams.thunderheadBatches() == 1)
        let metrics = String(decoding: try await http.execute(CurlRequest(url: "\(base)/metrics")).body, as: UTF8.self)
        #expect(PrometheusText.value(#"oms_core_batch_lookups_total{result="adopted"}"#, in: metrics) == 1)
        kill(second.processIdentifier, SIGKILL)
        second.waitUntilExit()
        await http.shutdown()
        await upstreams.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Two `oms core` on one PostgreSQL take 1,000 requests. While both are healthy, every
    /// final event reaches Kafka exactly once. Then one is killed with SIGKILL partway through
    /// and the broker hangs for 20 s (SIGSTOP) and comes back: every request still reaches one
    /// final status, every event reaches Kafka (a repeat, with the same event id, only for
    /// what the killed one had published and not yet marked), and Thunderhead got exactly one
    /// batch per request.
    @Test func twoReplicasThroughAKillAndAHungBroker() async throws {
        guard let binary = Self.binary else {
            Issue.record("the oms executable was not found: run `swift build` first (scripts/test.sh does) or set OMS_BINARY")
            return
        }
        let topic = "oms.document.status"
        let broker = try await KafkaBroker.start()
        try broker.createTopic(topic, partitions: 4)
        let upstreams = try await Upstreams.start(completeAfterMs: 200)
        try await upstreams.put("sources/crm", "{}")
        let folder = try Self.folder()
        let database = try await TestDatabase.postgres.freshURL()
        let ports = [Loopback.freePort(), Loopback.freePort()]
        let extra = """
            jobs: {interval_ms: 20, batch_size: 64, lease_s: 2, backoff_base_ms: 50, max_attempts: 30}
            kafka: {brokers: ["\(broker.brokers[0])"], interval_ms: 20, message_timeout_ms: 5000, batch_size: 500}
            """
        let configs = try ports.enumerated().map { index, port in
            try Self.configuration(in: folder, name: "replica-\(index)", port: port, database: database, upstreams: upstreams, extra: extra)
        }
        let replicas = try configs.enumerated().map { index, config in
            try Self.start(binary, config: config, log: folder.appendingPathComponent("replica-\(index).log"))
        }
        defer { for replica in replicas where replica.isRunning { kill(replica.processIdentifier, SIGKILL) } }
        for port in ports { #expect(await Loopback.waitUntilListening(port)) }
        let http = CurlClient()
        func submit(_ range: Range<Int>) async throws -> [String] {
            try await withThrowingTaskGroup(of: String?.self) { group in
                for index in range {
                    group.addTask {
                        let answer = try await http.execute(CurlRequest(
                            url: "http://127.0.0.1:\(ports[index % 2])/v1/requests", method: "POST",
                            headers: [("Content-Type", "application/json"), ("Idempotency-Key", "replicas-\(index)")],
                            body: Array(#"{"source":"crm","documentType":"invoice","data":{"n":\#(index)}}"#.utf8)
                        ))
                        return (try? StrictJSON.parse(answer.body))?["id"]?.stringValue
                    }
                }
                return try await group.reduce(into: []) { $0.append($1 ?? "") }
            }
        }
        func completed(via port: Int) async throws -> Int {
            let answer = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(port)/v1/requests?status=COMPLETED&limit=1000"))
            return (try? StrictJSON.parse(answer.body))?["items"]?.arrayValue?.count ?? 0
        }
        /// The topic's records once it holds an event of each of `ids` (or `within` passes).
        func published(_ ids: [String], within limit: Duration) async throws -> [KafkaRecord] {
            let deadline = ContinuousClock.now + limit
            var records: [KafkaRecord] = []
            repeat {
                records = try await broker.read(topic: topic, partitions: 4, quiet: .seconds(1), limit: .seconds(20))
                let subjects = Set(records.compactMap { try? StrictJSON.parse($0.value)["subject"]?.stringValue })
                if subjects.isSuperset(of: ids) { break }
                try await Task.sleep(for: .milliseconds(500))
            } while ContinuousClock.now < deadline
            return records
        }

        // Both healthy: each event once.
        let healthy = try await submit(0..<300)
        #expect(Set(healthy).count == 300 && !healthy.contains(""))
        let calm = try await published(healthy, within: .seconds(60))
        #expect(calm.count == 300, "\(calm.count) records for 300 events while both replicas were healthy")

        // One killed partway through, then the broker hangs for 20 s.
        let rest = try await submit(300..<1000)
        #expect(Set(rest).count == 700 && !rest.contains(""))
        let deadline = ContinuousClock.now + .seconds(60)
        while try await completed(via: ports[1]) < 400, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(replicas[0].processIdentifier, SIGKILL)
        replicas[0].waitUntilExit()
        broker.pause()
        try await Task.sleep(for: .seconds(20))
        broker.resume()
        let resumed = ContinuousClock.now
        let ids = healthy + rest
        let records = try await published(ids, within: .seconds(90))
        let took = ContinuousClock.now - resumed
        var events: [String: Set<String>] = [:]
        var notCompleted = 0
        for record in records {
            guard let event = try? StrictJSON.parse(record.value), let subject = event["subject"]?.stringValue, let id = event["id"]?.stringValue else { continue }
            events[subject, default: []].insert(id)
            if event["data"]?["status"] != "COMPLETED" { notCompleted += 1 }
        }
        #expect(Set(events.keys) == Set(ids), "\(Set(ids).subtracting(events.keys).count) requests' events missing \(took) after the broker came back")
        #expect(events.values.allSatisfy { $0.count == 1 }, "one event per request, whoever published it")
        #expect(notCompleted == 0)
        // Repeats come only from the killed replica's last round (at most its batch, 500).
        let repeats = records.count - ids.count
        #expect(repeats <= 500, "\(repeats) repeated records")
        print("two replicas: \(records.count) records for \(ids.count) events (\(repeats) repeats after the kill); all published \(took) after the broker came back")

        // One final status each, reached once, and one batch each.
        #expect(try await completed(via: ports[1]) == 1000)
        var twice: [String] = []
        for id in ids {
            let answer = try await http.execute(CurlRequest(url: "http://127.0.0.1:\(ports[1])/v1/requests/\(id)"))
            let history = (try? StrictJSON.parse(answer.body))?["history"]?.arrayValue?.compactMap { $0["status"]?.stringValue } ?? []
            if history.filter({ ["COMPLETED", "FAILED", "REJECTED"].contains($0) }).count != 1 { twice.append("\(id): \(history)") }
        }
        #expect(twice.isEmpty, "\(twice.prefix(3))")
        #expect(try await upstreams.thunderheadBatches() == 1000)
        kill(replicas[1].processIdentifier, SIGKILL)
        replicas[1].waitUntilExit()
        await http.shutdown()
        await upstreams.stop()
        broker.stop()
        try? FileManager.default.removeItem(at: folder)
    }

    // MARK: Helpers

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// `oms core`'s configuration file in `folder` (`name`.yaml): its database (by default a
    /// SQLite file there), the upstreams, and `extra` YAML.
    static func configuration(in folder: URL, name: String = "core", port: Int, database: String? = nil, upstreams: Upstreams, extra: String) throws -> URL {
        let config = folder.appendingPathComponent("\(name).yaml")
        try """
            server: {host: 127.0.0.1, port: \(port)}
            database: {url: "\(database ?? "sqlite:\(folder.path)/oms.db")"}
            refdata: {url: "http://127.0.0.1:\(upstreams.refdataPort)"}
            soap_bridge: {url: "http://127.0.0.1:\(upstreams.bridgePort)"}
            log: {level: warning}
            access: {mode: none}
            \(extra)
            """.write(to: config, atomically: true, encoding: .utf8)
        return config
    }

    static func start(_ binary: String, config: URL, log: URL) throws -> SpawnedProcess {
        try SpawnedProcess([binary, "core", "--config", config.path], output: log.path)
    }

    /// A request's status and batch name, read from the database file while no core runs.
    static func submission(_ id: String, in folder: URL) async throws -> (status: String?, batchName: String?) {
        let database = try await SQLiteFile.open(path: folder.appendingPathComponent("oms.db").path)
        let row = try await database.read("SELECT status, batch_name FROM core_requests WHERE id = ?", [.text(id)]).first
        await database.close()
        return (row?.column("status")?.string, row?.column("batch_name")?.string)
    }
}

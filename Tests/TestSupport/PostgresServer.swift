import Foundation

/// A PostgreSQL server for the tests: `OMS_TEST_POSTGRES_URL` when set, otherwise one private
/// server per test process, started on first use in a temporary folder (about two seconds)
/// and stopped when the process exits. Each test asks for a database of its own.
public actor PostgresServer {
    public static let shared = PostgresServer()

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private var started: (port: Int, folder: URL)?
    /// The one start in progress: the actor suspends while the tools run, and a second caller
    /// must wait for this start, not begin another server.
    private var starting: Task<Int, any Error>?

    /// A new, empty database, as a `postgres://` URL.
    public func freshDatabase() async throws -> String {
        let name = "oms_test_\(UUID().uuidString.prefix(8).lowercased())"
        if let url = ProcessInfo.processInfo.environment["OMS_TEST_POSTGRES_URL"] {
            // postgres://user@host:port/DATABASE: the new database replaces DATABASE.
            guard let slash = url.range(of: "/", options: .backwards), url.distance(from: url.startIndex, to: slash.lowerBound) > "postgres://".count else {
                throw Failure(description: "OMS_TEST_POSTGRES_URL must be postgres://USER@HOST:PORT/DATABASE, not \(url)")
            }
            try await Self.run(Self.tool("psql"), [url, "-q", "-c", "CREATE DATABASE \(name)"])
            return String(url[..<slash.lowerBound]) + "/" + name
        }
        let port = try await start()
        try await Self.run(Self.tool("createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name])
        return "postgres://postgres@127.0.0.1:\(port)/\(name)"
    }

    private func start() async throws -> Int {
        if let started { return started.port }
        if let starting { return try await starting.value }
        let task = Task { try await self.startServer() }
        starting = task
        do {
            return try await task.value
        } catch {
            starting = nil
            throw error
        }
    }

    private func startServer() async throws -> Int {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-postgres-\(UUID().uuidString)")
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // initdb refuses to run as root: then the server runs as the `postgres` user.
        if getuid() == 0 {
            try await Self.run("/bin/chown", ["-R", "postgres", folder.path])
        }
        try await Self.run(Self.tool("initdb"), ["-D", data.path, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        let port = Loopback.freePort()
        let options = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        try await Self.run(Self.tool("pg_ctl"), ["-D", data.path, "-o", options, "-l", folder.appendingPathComponent("server.log").path, "-w", "start"])
        started = (port, folder)
        Self.stopAtExit(data: data.path, folder: folder.path)
        guard await Loopback.waitUntilListening(port) else {
            throw Failure(description: "PostgreSQL did not start; see \(folder.path)/server.log")
        }
        return port
    }

    /// The folder of initdb, pg_ctl, createdb and psql (not on PATH on Debian).
    static func tool(_ name: String) throws -> String {
        let candidates = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin", "/usr/bin"]
        for folder in candidates where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
            return "\(folder)/\(name)"
        }
        throw Failure(description: "PostgreSQL's \(name) not found: run scripts/install-deps.sh (package postgresql)")
    }

    /// Runs a tool to completion, as the `postgres` user when we are root; throws with its output.
    static func run(_ executable: String, _ arguments: [String]) async throws {
        var command = [executable] + arguments
        if getuid() == 0, executable != "/bin/chown" {
            command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command
        }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("oms-pg-tool-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let finalCommand = command
        let status = try await OffPool.run { try ChildProcess.run(finalCommand, output: log.path) }
        guard status == 0 else {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw Failure(description: "\(command.joined(separator: " ")) failed (\(status)): \(text)")
        }
    }

    nonisolated(unsafe) private static var exitStops: [(data: String, folder: String)] = []

    /// Every server a test process started is stopped when it exits.
    static func stopAtExit(data: String, folder: String) {
        if exitStops.isEmpty {
            atexit {
                let user = getuid() == 0 ? "runuser -u postgres -- " : ""
                guard let pgctl = try? PostgresServer.tool("pg_ctl") else { return }
                for (data, folder) in PostgresServer.exitStops {
                    _ = system("\(user)\(pgctl) -D '\(data)' -m immediate stop >/dev/null 2>&1; rm -rf '\(folder)'")
                }
            }
        }
        exitStops.append((data, folder))
    }
}

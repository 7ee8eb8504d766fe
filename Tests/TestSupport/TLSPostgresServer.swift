import Foundation

/// A PostgreSQL server of its own that takes TLS only, as Azure Database for PostgreSQL does:
/// `ssl = on` with the test CA's certificate for `localhost` (no IP address in it), `hostssl … scram-sha-256` for the role
/// `oms` with a password, and `hostnossl … reject`. Stopped when the test process exits.
public final class TLSPostgresServer: Sendable {
    public let port: Int
    public let password: String
    public let folder: URL

    /// Starts the server (about three seconds) with one database, `oms`, owned by `oms`.
    /// `clientCertificates`: every connection must also present a certificate of the test CA.
    public init(pki: TestPKI, clientCertificates: Bool = false) async throws {
        port = Loopback.freePort()
        password = "pg-\(UUID().uuidString.prefix(12))"
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-postgres-tls-\(UUID().uuidString.prefix(8))")
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        // The server reads its key only when the key is private to it.
        let key = folder.appendingPathComponent("server.key")
        try FileManager.default.copyItem(atPath: pki.namedServerKey, toPath: key.path)
        try FileManager.default.copyItem(atPath: pki.namedServerCert, toPath: folder.appendingPathComponent("server.pem").path)
        try FileManager.default.copyItem(atPath: pki.caFile, toPath: folder.appendingPathComponent("ca.pem").path)
        _ = chmod(key.path, 0o600)
        if getuid() == 0 {
            try await PostgresServer.run("/bin/chown", ["-R", "postgres", folder.path])
        }
        try await PostgresServer.run(try PostgresServer.tool("initdb"), ["-D", data.path, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        try Data("""
            local all all trust
            hostssl all all 127.0.0.1/32 scram-sha-256\(clientCertificates ? " clientcert=verify-ca" : "")
            hostnossl all all 127.0.0.1/32 reject

            """.utf8).write(to: data.appendingPathComponent("pg_hba.conf"))
        if getuid() == 0 {
            try await PostgresServer.run("/bin/chown", ["postgres", data.appendingPathComponent("pg_hba.conf").path])
        }
        let options = "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c ssl=on "
            + "-c ssl_cert_file=\(folder.path)/server.pem -c ssl_key_file=\(key.path) -c ssl_ca_file=\(folder.path)/ca.pem "
            + "-c password_encryption=scram-sha-256"
        try await PostgresServer.run(try PostgresServer.tool("pg_ctl"), ["-D", data.path, "-o", options, "-l", folder.appendingPathComponent("server.log").path, "-w", "start"])
        PostgresServer.stopAtExit(data: data.path, folder: folder.path)
        guard await Loopback.waitUntilListening(port) else {
            throw PostgresServer.Failure(description: "PostgreSQL (TLS) did not start; see \(folder.path)/server.log")
        }
        let psql = try PostgresServer.tool("psql")
        try await PostgresServer.run(psql, ["-h", folder.path, "-p", String(port), "-U", "postgres", "-q", "-c", "CREATE ROLE oms LOGIN PASSWORD '\(password)'"])
        try await PostgresServer.run(psql, ["-h", folder.path, "-p", String(port), "-U", "postgres", "-q", "-c", "CREATE DATABASE oms OWNER oms"])
    }

    /// `postgres://oms@HOST:PORT/oms?sslmode=MODE` plus any further query text; the password
    /// goes separately (`database.password_file`).
    public func url(host: String = "localhost", sslMode: String, extra: String = "") -> String {
        "postgres://oms@\(host):\(port)/oms?sslmode=\(sslMode)\(extra)"
    }

    public var log: String { (try? String(contentsOf: folder.appendingPathComponent("server.log"), encoding: .utf8)) ?? "" }
}

import Database
import EdgeRuntime
import Foundation
import Logging
import PostgresNIO
import TestSupport
import Testing

/// The pool against a PostgreSQL that takes TLS only (`hostssl … scram-sha-256`,
/// `hostnossl … reject`), with libpq's `sslmode`s.
@Suite(.serialized) struct PostgresTLSTests {
    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// The settings exactly as a role reads them: the URL, the password from a file.
    func endpoint(_ url: String, passwordFile: String, extra: String = "") throws -> DatabaseURL.PostgresEndpoint {
        let reader = try ConfigReader(yaml: "database:\n  url: '\(url)'\n  password_file: \(passwordFile)\n\(extra)")
        guard case .postgres(let endpoint) = try DatabaseSettings(reader: reader).url else { throw ConfigError(key: "database.url", "not postgres") }
        return endpoint
    }

    /// `SELECT 1` through a fresh pool: nil when it worked, else the one-line reason.
    func attempt(_ endpoint: DatabaseURL.PostgresEndpoint) async -> String? {
        do {
            // Generous: the suite runs beside others on a loaded machine; a wrong setting is refused at once anyway.
            let pool = try PostgresPool(endpoint: endpoint, connectTimeout: .seconds(10), timeout: .seconds(10), logger: Self.quiet)
            defer { Task { await pool.close() } }
            let rows = try await pool.run { client in try await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").collect() }
            let encrypted = try rows.first?.decode(Bool.self)
            return encrypted == true ? nil : "connected without TLS"
        } catch {
            return PostgresPool.describe(error)
        }
    }

    @Test func verifyFullConnectsAndEverythingWrongIsRefusedClearly() async throws {
        let pki = try TestPKI()
        let server = try await TLSPostgresServer(pki: pki)
        let folder = pki.folder
        let passwordFile = folder.appendingPathComponent("pg-password").path
        try Data((server.password + "\n").utf8).write(to: URL(fileURLWithPath: passwordFile))

        let verified = try endpoint(server.url(sslMode: "verify-full", extra: "&sslrootcert=\(pki.caFile)"), passwordFile: passwordFile)
        let outcome = await attempt(verified)
        #expect(outcome == nil, "verify-full: \(outcome ?? "") \(server.log.suffix(500))")
        // The same through database.tls.ca_file, by address, with the name to verify given.
        let byAddress = try endpoint(server.url(host: "127.0.0.1", sslMode: "verify-full"), passwordFile: passwordFile,
                                     extra: "  tls:\n    ca_file: \(pki.caFile)\n    server_name: localhost\n")
        #expect(await attempt(byAddress) == nil)

        let untrusted = try endpoint(server.url(sslMode: "verify-full", extra: "&sslrootcert=\(pki.otherCAFile)"), passwordFile: passwordFile)
        let untrustedReason = await attempt(untrusted)
        #expect(untrustedReason?.contains("certificate verify failed") == true, "\(untrustedReason ?? "connected")")

        let misnamed = try endpoint(server.url(host: "127.0.0.1", sslMode: "verify-full"), passwordFile: passwordFile,
                                    extra: "  tls:\n    ca_file: \(pki.caFile)\n    server_name: db.elsewhere.test\n")
        let misnamedReason = await attempt(misnamed)
        #expect(misnamedReason?.contains("does not name the server") == true, "\(misnamedReason ?? "connected")")

        // verify-ca checks the chain only: the wrong name passes, the wrong CA does not.
        let chainOnly = try endpoint(server.url(host: "127.0.0.1", sslMode: "verify-ca"), passwordFile: passwordFile,
                                     extra: "  tls:\n    ca_file: \(pki.caFile)\n    server_name: db.elsewhere.test\n")
        #expect(await attempt(chainOnly) == nil)

        // require and prefer encrypt without checking; disable is refused by the server.
        #expect(await attempt(try endpoint(server.url(sslMode: "require"), passwordFile: passwordFile)) == nil)
        #expect(await attempt(try endpoint(server.url(sslMode: "prefer"), passwordFile: passwordFile)) == nil)
        let plain = await attempt(try endpoint(server.url(sslMode: "disable"), passwordFile: passwordFile))
        #expect(plain?.contains("no encryption") == true, "\(plain ?? "connected")")

        // A wrong password: refused, and the reason does not carry it.
        let wrongFile = folder.appendingPathComponent("wrong-password").path
        try Data("not-the-password-\(server.password)\n".utf8).write(to: URL(fileURLWithPath: wrongFile))
        let wrong = await attempt(try endpoint(server.url(sslMode: "verify-full", extra: "&sslrootcert=\(pki.caFile)"), passwordFile: wrongFile))
        #expect(wrong?.contains("password authentication failed") == true, "\(wrong ?? "connected")")
        for reason in [untrustedReason, misnamedReason, plain, wrong] {
            #expect(reason.map { !$0.contains(server.password) } == true)
        }
        #expect(!"\(verified)".contains(server.password))
    }

    @Test func aServerThatAsksForAClientCertificateGetsOne() async throws {
        let pki = try TestPKI()
        let server = try await TLSPostgresServer(pki: pki, clientCertificates: true)
        let passwordFile = pki.folder.appendingPathComponent("pg-password").path
        try Data((server.password + "\n").utf8).write(to: URL(fileURLWithPath: passwordFile))
        let url = server.url(sslMode: "verify-full", extra: "&sslrootcert=\(pki.caFile)")
        let mutual = try endpoint(url, passwordFile: passwordFile, extra: "  tls:\n    cert_file: \(pki.clientCert)\n    key_file: \(pki.clientKey)\n")
        let outcome = await attempt(mutual)
        #expect(outcome == nil, "\(outcome ?? "") \(server.log.suffix(400))")
        let without = await attempt(try endpoint(url, passwordFile: passwordFile))
        #expect(without?.contains("certificate") == true, "\(without ?? "connected")")
    }
}

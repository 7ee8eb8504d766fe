import Database
import EdgeRuntime
import Foundation
import TestSupport
import Testing

/// `database.*` as a role reads it: the URL, the password in one place, the TLS block.
@Suite struct DatabaseSettingsTests {
    func settings(_ yaml: String) throws(ConfigError) -> (DatabaseSettings, [String]) {
        let reader = try ConfigReader(yaml: yaml)
        let settings = try DatabaseSettings(reader: reader)
        try reader.checkNoUnknownKeys()
        return (settings, reader.warnings)
    }

    func refusal(_ yaml: String) -> ConfigError? {
        do {
            _ = try settings(yaml)
            return nil
        } catch {
            return error
        }
    }

    @Test func thePasswordComesFromItsFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("oms-db-pw-\(UUID().uuidString.prefix(8))")
        try Data("correct horse\n".utf8).write(to: file)
        let (read, warnings) = try settings("database:\n  url: postgres://oms@db.example/oms?sslmode=verify-full\n  password_file: \(file.path)\n")
        guard case .postgres(let endpoint) = read.url else { Issue.record("not postgres"); return }
        #expect(endpoint.password == "correct horse")
        #expect(warnings.isEmpty)
    }

    @Test func contradictionsAreRefused() throws {
        let pki = try TestPKI()
        let cases: [(String, String, String)] = [
            ("url: postgres://oms:pw@db/oms\n  password: other", "database.password", "already carries a password"),
            ("url: sqlite:oms.db\n  password: pw", "database.password", "only PostgreSQL"),
            ("url: sqlite:oms.db\n  tls:\n    ca_file: \(pki.caFile)", "database.tls", "only PostgreSQL"),
            ("url: postgres://oms@db/oms?sslmode=disable\n  tls:\n    ca_file: \(pki.caFile)", "database.tls", "sslmode=disable"),
            ("url: postgres://oms@db/oms?sslrootcert=\(pki.caFile)\n  tls:\n    ca_file: \(pki.caFile)", "database.tls.ca_file", "one place"),
            ("url: postgres://oms@db/oms?sslrootcert=/nonexistent/root.pem", "database.url", "cannot read ca_file"),
            ("url: postgres://oms@db/oms?sslmode=verify-full\n  tls:\n    cert_file: \(pki.clientCert)\n    key_file: \(pki.serverKey)", "database.tls", "does not match"),
        ]
        for (block, key, message) in cases {
            let error = refusal("database:\n  \(block)\n")
            #expect(error?.key == key, "\(block): \(error?.description ?? "accepted")")
            #expect(error?.message.contains(message) == true, "\(block): \(error?.description ?? "accepted")")
            #expect(error.map { !$0.description.contains("other") } == true, "a password in an error message")
        }
    }

    @Test func unverifiedModesAreWarnedAboutAwayFromLoopback() throws {
        #expect(try settings("database:\n  url: postgres://oms@db.example/oms\n").1.first?.contains("sslmode=prefer") == true)
        #expect(try settings("database:\n  url: postgres://oms@db.example/oms?sslmode=require\n").1.first?.contains("does not verify") == true)
        #expect(try settings("database:\n  url: postgres://oms@db.example/oms?sslmode=disable\n").1.first?.contains("plain text") == true)
        #expect(try settings("database:\n  url: postgres://oms@db.example/oms?sslmode=verify-full\n").1.isEmpty)
        #expect(try settings("database:\n  url: postgres://oms@127.0.0.1/oms\n").1.isEmpty)
        #expect(try settings("").1.isEmpty)
    }
}

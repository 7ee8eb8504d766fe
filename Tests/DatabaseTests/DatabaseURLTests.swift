import Database
import Testing

@Suite struct DatabaseURLTests {
    @Test func acceptedForms() throws {
        #expect(try DatabaseURL(parsing: "sqlite:/var/lib/oms/oms.db") == .sqlite(path: "/var/lib/oms/oms.db"))
        #expect(try DatabaseURL(parsing: "sqlite:run/oms.db") == .sqlite(path: "run/oms.db"))
        let full = try DatabaseURL(parsing: "postgres://oms:s%40cr%3At@db.internal:6543/oms_prod")
        #expect(full == .postgres(.init(host: "db.internal", port: 6543, username: "oms", password: "s@cr:t", database: "oms_prod")))
        #expect(try DatabaseURL(parsing: "postgresql://oms@127.0.0.1/oms") == .postgres(.init(host: "127.0.0.1", port: 5432, username: "oms", password: nil, database: "oms")))
        // The last @ separates the credentials: an @ in a password may also arrive unencoded.
        #expect(try DatabaseURL(parsing: "postgres://oms:a@b@db/oms") == .postgres(.init(host: "db", port: 5432, username: "oms", password: "a@b", database: "oms")))
    }

    @Test func libpqTLSParameters() throws {
        guard case .postgres(let plain) = try DatabaseURL(parsing: "postgres://oms@db/oms") else { Issue.record("not postgres"); return }
        #expect(plain.sslMode == .prefer)
        #expect(plain.tls.caFile == nil)
        for mode in DatabaseURL.SSLMode.allCases {
            let parsed = try DatabaseURL(parsing: "postgres://oms@db/oms?sslmode=\(mode.rawValue)")
            #expect(parsed == .postgres(.init(host: "db", port: 5432, username: "oms", password: nil, database: "oms", sslMode: mode)))
        }
        let full = try DatabaseURL(parsing: "postgres://oms:pw@db.example:5432/oms?sslmode=verify-full&sslrootcert=/etc/ssl/azure%20root.pem")
        guard case .postgres(let endpoint) = full else { Issue.record("not postgres"); return }
        #expect(endpoint.sslMode == .verifyFull)
        #expect(endpoint.tls.caFile == "/etc/ssl/azure root.pem")
        #expect(endpoint.database == "oms")
        // What logs may show: no password.
        #expect("\(endpoint)" == "postgres://oms@db.example:5432/oms?sslmode=verify-full")
    }

    @Test func unsupportedParametersAreNamed() {
        do {
            _ = try DatabaseURL(parsing: "postgres://u@db/oms?sslkey=/k.pem")
            Issue.record("accepted")
        } catch {
            #expect(error.message.contains("'sslkey'") && error.message.contains("database.tls.key_file"))
        }
    }

    @Test(arguments: [
        "", "sqlite:", "sqlite", "mysql://u@h/d", "postgres://", "postgres://db/oms", "postgres://@db/oms",
        "postgres://u@db", "postgres://u@db/", "postgres://u@/oms", "postgres://u@db:0/oms", "postgres://u@db:65536/oms",
        "postgres://u@db:port/oms", "postgres://u@db/a/b", "postgres://u@db/oms#x",
        "postgres://u@db/oms?sslmode=bogus", "postgres://u@db/oms?sslmode=VERIFY-FULL", "postgres://u@db/oms?sslcert=/c.pem",
        "postgres://u@db/oms?sslmode=require&sslmode=disable", "postgres://u@db/oms?sslmode", "postgres://u@db/oms?=x",
        "postgres://u@db/oms?sslrootcert=", "postgres://u@db/oms?sslmode=require&", "postgres://u@db/oms?sslmode=%zz",
        "postgres://u:%zz@db/oms", "postgres://u:%00@db/oms", "postgres://u:%ff@db/oms", "postgres://u:%4@db/oms",
        "sqlite:a\u{0}b",
    ])
    func refused(_ text: String) {
        #expect(throws: DatabaseURLError.self, "\(text.debugDescription)") { _ = try DatabaseURL(parsing: text) }
    }

    @Test func messagesSayWhatIsExpected() {
        #expect(throws: DatabaseURLError.self) { _ = try DatabaseURL(parsing: "mysql://u@h/d") }
        do {
            _ = try DatabaseURL(parsing: "mysql://u@h/d")
        } catch {
            #expect(error.message.contains("sqlite:") && error.message.contains("postgres://"))
        }
    }
}

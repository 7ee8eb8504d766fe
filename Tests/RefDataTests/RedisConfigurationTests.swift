import EdgeRuntime
import Foundation
import Redis
import RefData
import TestSupport
import Testing
import TLS

/// `redis.*` as `oms refdata` reads it: rediss://, the TLS block, ACL user and password file.
@Suite struct RedisConfigurationTests {
    func read(_ yaml: String) throws(ConfigError) -> (RedisEndpoint?, [String]) {
        let reader = try ConfigReader(yaml: yaml + "\n" + AccessYAML.verifying)
        let configuration = try RefDataConfiguration(reader: reader)
        try reader.checkNoUnknownKeys()
        return (configuration.redis, reader.warnings)
    }

    @Test func theAzureShape() throws {
        let pki = try TestPKI()
        let file = pki.folder.appendingPathComponent("redis-key")
        try Data("AzureAccessKey=\n".utf8).write(to: file)
        let (endpoint, warnings) = try read("""
            redis:
              url: rediss://oms.redis.cache.windows.net
              username: oms
              password_file: \(file.path)
              tls:
                ca_file: \(pki.caFile)
            """)
        #expect(endpoint == RedisEndpoint(
            host: "oms.redis.cache.windows.net", port: 6380, tls: TLSSettings(caFile: pki.caFile),
            credentials: RedisCredentials(username: "oms", password: "AzureAccessKey=")
        ))
        #expect(warnings.isEmpty)
        // The access key alone: AUTH password.
        let (keyOnly, _) = try read("redis:\n  url: rediss://cache\n  password: k\n")
        #expect(keyOnly?.credentials == RedisCredentials(password: "k"))
    }

    @Test func contradictionsAreRefused() throws {
        let pki = try TestPKI()
        let cases: [(String, String)] = [
            ("url: redis://cache\n  tls:\n    ca_file: \(pki.caFile)", "redis.tls"),
            ("url: rediss://cache\n  username: oms", "redis.username"),
            ("password: pw", "redis.url"),
            ("url: redis://oms:pw@cache", "redis.url"),
            ("url: rediss://cache\n  password: pw\n  password_file: /dev/null", "redis.password"),
        ]
        for (block, key) in cases {
            do {
                _ = try read("redis:\n  \(block)\n")
                Issue.record("accepted: \(block)")
            } catch {
                #expect(error.key == key, "\(block): \(error)")
                #expect(!error.description.contains(":pw@"), "\(block): \(error)")
            }
        }
    }

    @Test func aPasswordInPlainTextAwayFromLoopbackIsWarnedAbout() throws {
        #expect(try read("redis:\n  url: redis://cache.internal\n  password: pw\n").1.first?.contains("plain text") == true)
        #expect(try read("redis:\n  url: redis://127.0.0.1\n  password: pw\n").1.isEmpty)
        #expect(try read("redis:\n  url: rediss://cache.internal\n  password: pw\n").1.isEmpty)
    }
}

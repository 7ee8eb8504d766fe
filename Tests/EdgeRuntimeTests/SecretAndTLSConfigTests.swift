import Foundation
import TestSupport
import Testing
import TLS
@testable import EdgeRuntime

/// `<key>_file` secrets and the `<prefix>.tls.*` block, as every role reads them.
@Suite struct SecretAndTLSConfigTests {
    let folder: URL = {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-config-\(UUID().uuidString.prefix(8))")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }()

    func file(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func failure(_ yaml: String, _ read: (ConfigReader) throws(ConfigError) -> Void) throws -> ConfigError? {
        let reader = try ConfigReader(yaml: yaml)
        do {
            try read(reader)
            return nil
        } catch {
            return error
        }
    }

    @Test func aSecretFileLosesOneTrailingNewlineOnly() throws {
        let path = try file("password", "s3cr3t value\n")
        let reader = try ConfigReader(yaml: "redis:\n  password_file: \(path)\n")
        #expect(try reader.secret("redis.password")?.value == "s3cr3t value")
        let two = try file("two", "abc\n\n")
        #expect(try ConfigReader(yaml: "k_file: \(two)").secret("k")?.value == "abc\n")
        let crlf = try file("crlf", "abc\r\n")
        #expect(try ConfigReader(yaml: "k_file: \(crlf)").secret("k")?.value == "abc")
        #expect(try ConfigReader(yaml: "k: inline").secret("k")?.value == "inline")
        #expect(try ConfigReader(yaml: "other: 1").secret("k") == nil)
    }

    @Test func theFileFormWorksFromTheEnvironmentToo() throws {
        let path = try file("env-password", "from-env\n")
        let reader = try ConfigReader(yaml: "", environment: ["OMS_DATABASE_PASSWORD_FILE": path])
        #expect(try reader.secret("database.password")?.value == "from-env")
    }

    @Test func badSecretsNameTheKeyAndNeverTheValue() throws {
        let path = try file("pw", "hunter2-value\n")
        let both = try failure("k: hunter2-value\nk_file: \(path)\n") { reader throws(ConfigError) in _ = try reader.secret("k") }
        #expect(both?.key == "k")
        #expect(both?.message.contains("only one of k and k_file") == true)
        let missing = try failure("k_file: /nonexistent/pw\n") { reader throws(ConfigError) in _ = try reader.secret("k") }
        #expect(missing?.key == "k_file")
        #expect(missing?.message.contains("/nonexistent/pw") == true)
        let empty = try file("empty", "\n")
        #expect(try failure("k_file: \(empty)") { reader throws(ConfigError) in _ = try reader.secret("k") }?.message.contains("is empty") == true)
        let binary = folder.appendingPathComponent("binary")
        try Data([0x68, 0x00, 0xFF]).write(to: binary)
        #expect(try failure("k_file: \(binary.path)") { reader throws(ConfigError) in _ = try reader.secret("k") }?.message.contains("not UTF-8") == true)
        let huge = try file("huge", String(repeating: "x", count: (64 << 10) + 1))
        #expect(try failure("k_file: \(huge)") { reader throws(ConfigError) in _ = try reader.secret("k") }?.message.contains("larger than") == true)
        for error in [both, missing] {
            #expect(error.map { !"\($0)".contains("hunter2") } == true)
        }
    }

    @Test func aSecretDoesNotPrintItself() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "(secret)")
        #expect(String(reflecting: secret) == "(secret)")
        #expect("\([secret])" == "[(secret)]")
    }

    @Test func theTLSBlockReadsAndChecksItsFiles() throws {
        let pki = try TestPKI()
        let yaml = """
            redis:
              tls:
                ca_file: \(pki.caFile)
                cert_file: \(pki.clientCert)
                key_file: \(pki.clientKey)
                server_name: cache.internal.example
            """
        let reader = try ConfigReader(yaml: yaml)
        let settings = try reader.tls("redis")
        #expect(settings == TLSSettings(caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey, serverName: "cache.internal.example"))
        try reader.checkNoUnknownKeys()
        #expect(reader.warnings.isEmpty)
        #expect(try ConfigReader(yaml: "").tls("redis").isDefault)
    }

    @Test func brokenTLSFilesAreConfigurationErrors() throws {
        let pki = try TestPKI()
        let notPEM = try file("not.pem", "hello\n")
        let cases: [(String, String)] = [
            ("ca_file: /nonexistent/ca.pem", "cannot read ca_file /nonexistent/ca.pem"),
            ("ca_file: \(notPEM)", "holds no usable PEM certificate"),
            ("cert_file: \(pki.clientCert)", "cert_file and key_file go together"),
            ("cert_file: \(notPEM)\n    key_file: \(pki.clientKey)", "is not a PEM certificate"),
            ("cert_file: \(pki.clientCert)\n    key_file: \(notPEM)", "is not an unencrypted PEM private key"),
            ("cert_file: \(pki.clientCert)\n    key_file: \(pki.serverKey)", "does not match the certificate"),
            ("server_name: 'bad name'", "expected a host name"),
            ("insecure_skip_verify: true\n    ca_file: \(pki.caFile)", "verifies nothing"),
            ("insecure_skip_verify: maybe", "expected true or false"),
        ]
        for (block, expected) in cases {
            let error = try failure("kafka:\n  tls:\n    \(block)\n") { reader throws(ConfigError) in _ = try reader.tls("kafka") }
            #expect(error?.message.contains(expected) == true, "\(block): \(error?.description ?? "accepted")")
            #expect(error?.key.hasPrefix("kafka.tls") == true, "\(block): \(error?.key ?? "")")
        }
    }

    @Test func skippingVerificationIsAllowedButWarnedAbout() throws {
        let reader = try ConfigReader(yaml: "oidm:\n  tls:\n    insecure_skip_verify: true\n")
        #expect(try reader.tls("oidm").insecureSkipVerify)
        #expect(reader.warnings.count == 1)
        #expect(reader.warnings.first?.contains("oidm.tls.insecure_skip_verify") == true)
        #expect(reader.warnings.first?.contains("NOT verified") == true)
    }
}

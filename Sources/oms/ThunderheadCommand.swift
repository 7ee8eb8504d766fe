import ArgumentParser
import EdgeRuntime
import Emulators
import Hummingbird

struct ThunderheadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thunderhead",
        abstract: "Emulate SmartComm Thunderhead's SOAP JobAPI (document/literal wrapped, SOAP 1.1 and 1.2).",
        discussion: """
            Serves the WSDL at /thunderhead/services/JobAPIWebWrapped?wsdl and the operations \
            submitBatch, executePreview, getBatchStatus and getBatchErrors at \
            /thunderhead/services/JobAPIWebWrapped. Batches are QUEUED, then PROCESSING, then \
            COMPLETED within --complete-after-ms (FAILED when the transaction data contains \
            the word FAIL); a preview returns a one-page PDF. With --username, every call needs \
            that WS-Security UsernameToken (PasswordText) or HTTP Basic pair, else a Client fault. \
            POST /admin/outage {"status": 503} answers every call with that status and a Server \
            fault until {"status": null}; GET /admin/stats counts the batches.
            Keys: server.host, server.port (9002), wsdl, username, password (or password_file), complete_after_ms, \
            max_body_bytes.
            """
    )

    @OptionGroup var options: RoleOptions
    @Option(name: .long, help: "Port to listen on (overrides server.port).")
    var port: Int?
    @Option(name: .long, help: "Username every call must carry (overrides username).")
    var username: String?
    @Option(name: .long, help: "Password for --username (overrides password; password_file keeps it out of the process list).")
    var password: String?
    @Option(name: .customLong("complete-after-ms"), help: "How long a batch takes to complete (overrides complete_after_ms).")
    var completeAfterMs: Int?
    @Option(name: .long, help: "The WSDL file to serve (overrides wsdl).")
    var wsdl: String?

    func run() async throws {
        try await options.run("oms.emulate.thunderhead") { (reader) throws(ConfigError) in
            var configuration = try ThunderheadEmulatorConfiguration(reader: reader)
            if let port { configuration.server.port = port }
            if let username { configuration.username = username }
            if let password { configuration.password = password }
            if let completeAfterMs { configuration.completeAfterMs = completeAfterMs }
            if let wsdl { configuration.wsdlFile = wsdl }
            try configuration.validate()
            return configuration
        } start: { configuration, logger in
            try ThunderheadEmulator(configuration: configuration, logger: logger)
        }
    }
}

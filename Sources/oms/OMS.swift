import ArgumentParser
import Foundation

@main
struct OMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oms",
        abstract: "OMS Edge: the edge layer of the Output Management System.",
        discussion: """
            Each server role is its own process: configure it with a YAML file (--config) and \
            override any key with an environment variable named OMS_ plus the key path in upper \
            case with underscores (oidm.url → OMS_OIDM_URL). `oms dev` runs them all in one \
            process, for a laptop.
            """,
        subcommands: [AuthCommand.self, SOAPBridgeCommand.self, RefDataCommand.self, CoreCommand.self, DevCommand.self, EmulateCommand.self, KeysCommand.self, TokenCommand.self, ConformanceCommand.self]
    )

    /// As ArgumentParser's own, except that a usage error (unknown or missing option, bad
    /// value) exits with status 2, like every other start-up problem of every command.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}

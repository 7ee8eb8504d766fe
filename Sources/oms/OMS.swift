import ArgumentParser

@main
struct OMS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "oms",
        abstract: "OMS Edge: the edge layer of the Output Management System.",
        discussion: """
            Each server role is its own process: configure it with a YAML file (--config) and \
            override any key with an environment variable named OMS_ plus the key path in upper \
            case with underscores (oidm.url → OMS_OIDM_URL).
            """,
        subcommands: [AuthCommand.self, SOAPBridgeCommand.self, RefDataCommand.self, CoreCommand.self, EmulateCommand.self, KeysCommand.self, TokenCommand.self]
    )
}

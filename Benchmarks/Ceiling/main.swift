// The ceiling of Benchmarks/auth-bench.sh: `oms auth`'s server and pipeline answering every
// request 200 without a decision. Usage: oms-bench-ceiling CONFIG (an `oms auth` config).
import AuthService
import EdgeRuntime
import Foundation
import Logging

guard CommandLine.arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: oms-bench-ceiling CONFIG.yaml\n".utf8))
    exit(2)
}
let reader = try ConfigReader(file: CommandLine.arguments[1])
let configuration = try AuthConfiguration(reader: reader)
let role = AuthRole.benchmarkCeiling(configuration: configuration, logger: Logger(label: "ceiling"))
let port = try await role.start()
print("listening on \(port)")
try await role.run()

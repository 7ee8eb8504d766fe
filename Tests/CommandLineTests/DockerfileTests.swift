import Foundation
import TestSupport
import Testing

/// No container engine runs here, so the Dockerfile is checked against what it must carry:
/// every shared library the built `oms` needs (beyond libc and the Swift runtime, which
/// `--static-swift-stdlib` links in) comes from a package its runtime stage installs.
@Suite struct DockerfileTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await ChildProcess.output(of: [executable] + arguments, error: "/dev/null").output
    }

    @Test func theRuntimeStageInstallsEveryLibraryOmsNeeds() async throws {
        let binary = try OMSCommand.require()
        let dockerfile = try String(contentsOf: Self.root.appendingPathComponent("Dockerfile"), encoding: .utf8)
        // The packages of the runtime stage's apt-get line (the stage after the last FROM).
        let runtime = try #require(dockerfile.components(separatedBy: "\nFROM ").last)
        let packages = Set(runtime.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).map(String.init))
        let needed = try await Self.run("/usr/bin/readelf", ["-d", binary]).split(separator: "\n").compactMap { line -> String? in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
        #expect(needed.contains("libcurl.so.4") && needed.contains("librdkafka.so.1"), "\(needed)")
        let provided = ["libc.so.6", "libm.so.6", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libgcc_s.so.1"]
        let swiftRuntime = ["libswift", "libFoundation", "libdispatch", "libBlocksRuntime", "lib_FoundationICU"]
        for library in needed where !provided.contains(library) && !swiftRuntime.contains(where: { library.hasPrefix($0) }) {
            let owner = try await Self.run("/usr/bin/dpkg", ["-S", "*/\(library)"]).split(separator: "\n").first.map { String($0.prefix { $0 != ":" }) }
            let package = try #require(owner, "no package holds \(library)")
            #expect(packages.contains(package), "\(library) comes from \(package), which the runtime stage does not install")
        }
        #expect(runtime.contains("USER 10001"), "the image runs as the chart's non-root user")
        #expect(runtime.contains("ENTRYPOINT [\"oms\"]"))
        #expect(runtime.contains("COPY sidecars /opt/oms/sidecars"), "the bridge's policies where values.yaml says")
    }
}

import Foundation

/// Where the attack suite's case files are when `--cases` is not given: `conformance/cases`
/// under the working directory, else next to the `oms` binary (the repository that built it,
/// or `/opt/oms` in the image), so the suite runs from any folder.
enum CaseCatalogLocation {
    static let relative = "conformance/cases"

    /// The first folder that exists, as an absolute path; `relative` itself when none does
    /// (the load then fails naming it).
    static func find(fileManager: FileManager = .default) -> String {
        var candidates = [URL(fileURLWithPath: fileManager.currentDirectoryPath).appendingPathComponent(relative)]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        // bin/oms, .build/<triple>/debug/oms, /opt/oms/bin/oms: a few levels up at most.
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent(relative))
            candidates.append(folder.appendingPathComponent("share/oms").appendingPathComponent(relative))
            folder.deleteLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: "/opt/oms").appendingPathComponent(relative))
        var isFolder: ObjCBool = false
        let found = candidates.first { fileManager.fileExists(atPath: $0.path, isDirectory: &isFolder) && isFolder.boolValue }
        return found?.standardizedFileURL.path ?? relative
    }
}

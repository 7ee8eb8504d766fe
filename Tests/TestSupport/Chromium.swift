import Foundation

/// Headless Chromium for tests of HTML pages: the DOM after the page has loaded.
public enum Chromium {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static var executable: String? {
        if let configured = ProcessInfo.processInfo.environment["OMS_CHROMIUM"] { return configured }
        return ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The DOM after Chromium loaded and ran `url`; Chromium runs on a thread of its own.
    public static func dumpDOM(_ url: String) async throws -> String {
        try await OffPool.run { try dumpDOMBlocking(url) }
    }

    private static func dumpDOMBlocking(_ url: String) throws -> String {
        guard let executable else {
            throw Failure(description: "chromium not found: run scripts/install-deps.sh (package chromium) or set OMS_CHROMIUM")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("oms-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("dom.html")
        // --no-sandbox: the tests may run as root, where Chromium's sandbox refuses to start.
        let status = try ChildProcess.run(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=\(folder.path)/profile", "--dump-dom", url],
            output: output.path
        )
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw Failure(description: "chromium exited with \(status): \(text.prefix(500))") }
        return text
    }
}

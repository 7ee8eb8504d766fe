import Foundation

extension ConfigReader {
    /// A secret given inline (`key`) or as a file (`key_file`), never both. The file form is
    /// what a Kubernetes Secret volume or the Key Vault CSI driver provides: it is read once,
    /// here, with one trailing newline dropped. Errors name the key and the file, never the
    /// value.
    public func secret(_ key: String) throws(ConfigError) -> Secret? {
        let inline = try string(key)
        let path = try nonEmptyString("\(key)_file")
        let full = fullKey(key)
        switch (inline, path) {
        case (nil, nil):
            return nil
        case (.some, .some):
            throw ConfigError(key: full, "set only one of \(full) and \(full)_file")
        case (let value?, nil):
            return Secret(value)
        case (nil, let path?):
            return Secret(try Self.readSecret(path, key: "\(full)_file"))
        }
    }

    /// Larger than any password, key or connection string; a bound on what a wrong path
    /// (a log file, a device) can make the process read.
    static let maximumSecretBytes = 64 << 10

    private static func readSecret(_ path: String, key: String) throws(ConfigError) -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ConfigError(key: key, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            data = try handle.read(upToCount: maximumSecretBytes + 1) ?? Data()
        } catch {
            throw ConfigError(key: key, "cannot read \(path): \(error.localizedDescription)")
        }
        guard data.count <= maximumSecretBytes else {
            throw ConfigError(key: key, "\(path) is larger than \(maximumSecretBytes) bytes: not a secret file")
        }
        guard var text = String(data: data, encoding: .utf8), !text.utf8.contains(0) else {
            throw ConfigError(key: key, "\(path) is not UTF-8 text")
        }
        // "\r\n" is one Character in Swift, so either way one removal drops one line end.
        if text.hasSuffix("\n") || text.hasSuffix("\r\n") {
            text.removeLast()
        }
        guard !text.isEmpty else { throw ConfigError(key: key, "\(path) is empty") }
        return text
    }
}

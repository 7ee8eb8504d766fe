import TLS

extension ConfigReader {
    /// `<prefix>.tls.*`, checked offline: the files are read and parsed, and a client key
    /// must match its certificate, so `--check` catches what the first connection would.
    public func tls(_ prefix: String) throws(ConfigError) -> TLSSettings {
        let key = "\(prefix).tls"
        let settings = TLSSettings(
            caFile: try nonEmptyString("\(key).ca_file"),
            certFile: try nonEmptyString("\(key).cert_file"),
            keyFile: try nonEmptyString("\(key).key_file"),
            serverName: try serverName("\(key).server_name"),
            insecureSkipVerify: try bool("\(key).insecure_skip_verify", default: false)
        )
        if settings.insecureSkipVerify {
            if settings.caFile != nil || settings.serverName != nil {
                throw ConfigError(key: fullKey("\(key).insecure_skip_verify"), "verifies nothing, so ca_file and server_name would be ignored: set one or the other")
            }
            warn("\(key).insecure_skip_verify", "TLS certificates of \(prefix) are NOT verified: for local tests only, never in production")
        }
        if !settings.isDefault {
            do {
                _ = try TLSClientContext(settings)
            } catch {
                throw ConfigError(key: fullKey(key), error.message)
            }
        }
        return settings
    }

    /// A DNS name (or an IP address) as it appears in a certificate.
    private func serverName(_ key: String) throws(ConfigError) -> String? {
        guard let name = try nonEmptyString(key) else { return nil }
        let allowed = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-.:".unicodeScalars.contains($0)) }
        guard allowed, name.utf8.count <= 253, !name.hasPrefix("."), !name.hasPrefix("-") else {
            throw ConfigError(key: fullKey(key), "expected a host name such as redis.example.net, got '\(name.prefix(80))'")
        }
        return name
    }
}

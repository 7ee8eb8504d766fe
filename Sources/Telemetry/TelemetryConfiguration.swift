import EdgeRuntime
import Foundation

/// The `otel` block of a role, and the standard `OTEL_*` variables, which win over it (as in
/// every OpenTelemetry SDK). No endpoint: nothing is traced, nothing is exported, nothing is
/// slower.
///
/// Keys: `otel.endpoint` (OTLP/HTTP base URL; `OTEL_EXPORTER_OTLP_ENDPOINT`, or the full
/// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`), `otel.protocol` (http/protobuf, http/json;
/// `OTEL_EXPORTER_OTLP_PROTOCOL`), `otel.service_name` (`OTEL_SERVICE_NAME`, default
/// `oms-<role>`), `otel.sampler` and `otel.sampler_arg` (`OTEL_TRACES_SAMPLER`, `_ARG`),
/// `otel.resource_attributes` (`OTEL_RESOURCE_ATTRIBUTES`), `otel.timeout_ms`
/// (`OTEL_EXPORTER_OTLP_TIMEOUT`) and `otel.tls.ca_file|cert_file|key_file`
/// (`OTEL_EXPORTER_OTLP_CERTIFICATE`, `_CLIENT_CERTIFICATE`, `_CLIENT_KEY`).
public struct TelemetryConfiguration: Sendable, Equatable {
    public static let samplers = [
        "always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio",
    ]
    public static let protocols = ["http/protobuf", "http/json"]

    /// Where spans are posted (the `/v1/traces` URL); nil: tracing is off.
    public var tracesURL: String?
    public var `protocol`: String
    public var serviceName: String
    public var sampler: String
    /// The ratio of the `*traceidratio` samplers, 0…1.
    public var samplerRatio: Double
    public var resourceAttributes: [String: String]
    public var timeoutMs: Int
    public var caFile: String?
    public var certFile: String?
    public var keyFile: String?

    public var isExporting: Bool { tracesURL != nil }

    /// `serviceName`: the default `service.name` (`oms-core`).
    public init(reader: ConfigReader, serviceName defaultName: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) {
        let settings = Settings(reader: reader, environment: environment)
        let disabled = try settings.bool("OTEL_SDK_DISABLED", nil) ?? false
        let exporter = try settings.choice("OTEL_TRACES_EXPORTER", nil, allowed: ["otlp", "none"]) ?? "otlp"
        if let full = try settings.url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", nil) {
            tracesURL = full
        } else if let base = try settings.url("OTEL_EXPORTER_OTLP_ENDPOINT", "endpoint") {
            tracesURL = base.hasSuffix("/") ? base + "v1/traces" : base + "/v1/traces"
        } else {
            tracesURL = nil
        }
        if disabled || exporter == "none" { tracesURL = nil }
        self.protocol = try settings.choice("OTEL_EXPORTER_OTLP_PROTOCOL", "protocol", allowed: Self.protocols, unsupported: ["grpc": "OTLP/gRPC is not built into oms: use http/protobuf"]) ?? "http/protobuf"
        self.serviceName = try settings.name("OTEL_SERVICE_NAME", "service_name") ?? defaultName
        self.sampler = try settings.choice("OTEL_TRACES_SAMPLER", "sampler", allowed: Self.samplers) ?? "parentbased_always_on"
        self.samplerRatio = try settings.ratio("OTEL_TRACES_SAMPLER_ARG", "sampler_arg") ?? 1
        self.resourceAttributes = try settings.attributes("OTEL_RESOURCE_ATTRIBUTES", "resource_attributes")
        self.timeoutMs = try settings.int("OTEL_EXPORTER_OTLP_TIMEOUT", "timeout_ms", in: 100...120_000) ?? 10_000
        self.caFile = try settings.file("OTEL_EXPORTER_OTLP_CERTIFICATE", "tls.ca_file")
        self.certFile = try settings.file("OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "tls.cert_file")
        self.keyFile = try settings.file("OTEL_EXPORTER_OTLP_CLIENT_KEY", "tls.key_file")
        if (certFile == nil) != (keyFile == nil) {
            throw ConfigError(key: "otel.tls", "a client certificate needs both cert_file and key_file")
        }
    }
}

/// One setting from its `OTEL_*` variable, else from `otel.<key>`; errors name whichever was read.
private struct Settings {
    let reader: ConfigReader
    let environment: [String: String]

    private func text(_ variable: String, _ key: String?) throws(ConfigError) -> (name: String, text: String)? {
        if let value = environment[variable], !value.trimmingCharacters(in: .whitespaces).isEmpty {
            return (variable, value.trimmingCharacters(in: .whitespaces))
        }
        guard let key, let value = try reader.string("otel.\(key)") else { return nil }
        return ("otel.\(key)", value.trimmingCharacters(in: .whitespaces))
    }

    func bool(_ variable: String, _ key: String?) throws(ConfigError) -> Bool? {
        guard let (name, text) = try text(variable, key) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw ConfigError(key: name, "expected true or false, got '\(text.prefix(40))'")
        }
    }

    func choice(_ variable: String, _ key: String?, allowed: [String], unsupported: [String: String] = [:]) throws(ConfigError) -> String? {
        guard let (name, text) = try text(variable, key) else { return nil }
        let word = text.lowercased()
        if let why = unsupported[word] { throw ConfigError(key: name, why) }
        guard allowed.contains(word) else {
            throw ConfigError(key: name, "must be one of \(allowed.joined(separator: ", ")), got '\(text.prefix(40))'")
        }
        return word
    }

    func url(_ variable: String, _ key: String?) throws(ConfigError) -> String? {
        guard let (name, text) = try text(variable, key) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = url.host, !host.isEmpty, url.query == nil, url.user == nil else {
            throw ConfigError(key: name, "expected an http:// or https:// URL with a host and no query or credentials, got '\(text.prefix(80))'")
        }
        return text
    }

    func name(_ variable: String, _ key: String?) throws(ConfigError) -> String? {
        guard let (name, text) = try text(variable, key) else { return nil }
        guard text.utf8.count <= 128, text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 0x20 && $0.value < 0x7F }) else {
            throw ConfigError(key: name, "expected a name of printable ASCII without spaces (at most 128 bytes)")
        }
        return text
    }

    func ratio(_ variable: String, _ key: String?) throws(ConfigError) -> Double? {
        guard let (name, text) = try text(variable, key) else { return nil }
        guard let value = Double(text), value.isFinite, (0...1).contains(value) else {
            throw ConfigError(key: name, "expected a ratio between 0 and 1, got '\(text.prefix(40))'")
        }
        return value
    }

    func int(_ variable: String, _ key: String?, in range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let (name, text) = try text(variable, key) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw ConfigError(key: name, "expected milliseconds between \(range.lowerBound) and \(range.upperBound), got '\(text.prefix(40))'")
        }
        return value
    }

    func file(_ variable: String, _ key: String?) throws(ConfigError) -> String? {
        guard let (name, path) = try text(variable, key) else { return nil }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigError(key: name, "cannot read '\(path.prefix(200))'")
        }
        return path
    }

    /// `k=v,k=v` in the variable (W3C Baggage syntax, values percent-decoded); a mapping in the file.
    func attributes(_ variable: String, _ key: String) throws(ConfigError) -> [String: String] {
        if let text = environment[variable], !text.trimmingCharacters(in: .whitespaces).isEmpty {
            var out: [String: String] = [:]
            for pair in text.split(separator: ",") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, case let name = parts[0].trimmingCharacters(in: .whitespaces), !name.isEmpty,
                      let value = parts[1].trimmingCharacters(in: .whitespaces).removingPercentEncoding else {
                    throw ConfigError(key: variable, "expected name=value pairs separated by commas, got '\(pair.prefix(80))'")
                }
                out[name] = value
            }
            return out
        }
        return try reader.stringMap("otel.\(key)")
    }
}

/// librdkafka properties beyond the ones OMS always sets: the connection's security
/// (`security.protocol`, `sasl.*`, `ssl.*`) and the operator's own. The descriptions hide the
/// value of every property that holds a secret.
public struct KafkaProperties: Sendable, Equatable, CustomStringConvertible {
    public private(set) var values: [String: String] = [:]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    public subscript(name: String) -> String? {
        get { values[name] }
        set { values[name] = newValue }
    }

    /// In name order, so the same settings always apply the same way.
    var sorted: [(String, String)] {
        values.keys.sorted().map { ($0, values[$0]!) }
    }

    /// librdkafka's own list of sensitive properties holds these words.
    static func isSecret(_ name: String) -> Bool {
        name.contains("password") || name.contains("secret") || name.hasSuffix(".pem") || name.contains("sasl.oauthbearer.config")
    }

    public var description: String {
        let shown = sorted.map { name, value in "\(name)=\(Self.isSecret(name) ? "(secret)" : value)" }
        return "[\(shown.joined(separator: ", "))]"
    }
}

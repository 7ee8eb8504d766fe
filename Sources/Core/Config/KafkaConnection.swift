import EdgeRuntime
import Kafka
import TLS

/// `kafka.security_protocol`, `kafka.sasl_*`, `kafka.tls.*` and `kafka.properties`: how the
/// outbox relay reaches the brokers, as librdkafka properties. Azure Event Hubs wants
/// `sasl_ssl` with `PLAIN`, the user `$ConnectionString` and the connection string as the
/// password.
enum KafkaConnection {
    static let protocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"]
    static let mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]

    /// librdkafka names OMS sets itself, and the key that sets each (nil: not settable).
    static let owned: [String: String?] = [
        "bootstrap.servers": "kafka.brokers",
        "metadata.broker.list": "kafka.brokers",
        "enable.idempotence": nil,
        "acks": nil,
        "request.required.acks": nil,
        "transactional.id": nil,
        "message.timeout.ms": "kafka.message_timeout_ms",
        "delivery.timeout.ms": "kafka.message_timeout_ms",
        "security.protocol": "kafka.security_protocol",
        "sasl.mechanisms": "kafka.sasl_mechanism",
        "sasl.mechanism": "kafka.sasl_mechanism",
        "sasl.username": "kafka.sasl_username",
        "sasl.password": "kafka.sasl_password or kafka.sasl_password_file",
        "ssl.ca.location": "kafka.tls.ca_file",
        "ssl.certificate.location": "kafka.tls.cert_file",
        "ssl.key.location": "kafka.tls.key_file",
        "enable.ssl.certificate.verification": "kafka.tls.insecure_skip_verify",
        "ssl.endpoint.identification.algorithm": "kafka.tls.insecure_skip_verify",
        // Secrets inline in the configuration file: not accepted anywhere.
        "ssl.key.password": nil,
        "ssl.key.pem": nil,
        "ssl.certificate.pem": nil,
        "ssl.ca.pem": nil,
        "sasl.oauthbearer.client.secret": nil,
        "sasl.oauthbearer.config": nil,
        // Callbacks are the relay's.
        "dr_cb": nil, "dr_msg_cb": nil, "error_cb": nil, "log_cb": nil, "opaque": nil,
    ]

    static func properties(_ reader: ConfigReader, brokers: [String]) throws(ConfigError) -> KafkaProperties {
        let securityProtocol = try reader.choice("kafka.security_protocol", default: "plaintext", allowed: protocols)
        let mechanismText = try reader.string("kafka.sasl_mechanism")
        let username = try reader.string("kafka.sasl_username")
        let password = try reader.secret("kafka.sasl_password")
        let tls = try reader.tls("kafka")
        var properties = KafkaProperties()
        properties["security.protocol"] = securityProtocol
        let usesSASL = securityProtocol.hasPrefix("sasl_")
        let usesTLS = securityProtocol.hasSuffix("ssl")
        if usesSASL {
            let mechanism = (mechanismText ?? "PLAIN").uppercased()
            guard mechanisms.contains(mechanism) else {
                throw ConfigError(key: "kafka.sasl_mechanism", "must be one of \(mechanisms.joined(separator: ", ")), got '\(mechanism.prefix(40))'")
            }
            guard let username, !username.isEmpty, let password else {
                throw ConfigError(key: "kafka.sasl_username", "\(securityProtocol) needs kafka.sasl_username and kafka.sasl_password (or kafka.sasl_password_file)")
            }
            properties["sasl.mechanisms"] = mechanism
            properties["sasl.username"] = username
            properties["sasl.password"] = password.value
            if !usesTLS, mechanism == "PLAIN", !isLoopback(brokers) {
                reader.warn("kafka.security_protocol", "sasl_plaintext with PLAIN sends the Kafka password in plain text: use sasl_ssl")
            }
        } else if mechanismText != nil || username != nil || password != nil {
            throw ConfigError(key: "kafka.security_protocol", "kafka.sasl_* are set, so it must be sasl_ssl or sasl_plaintext (it is \(securityProtocol))")
        }
        if usesTLS {
            if tls.serverName != nil {
                throw ConfigError(key: "kafka.tls.server_name", "is not supported for Kafka: librdkafka verifies each broker's advertised host name")
            }
            properties["ssl.ca.location"] = tls.caFile
            properties["ssl.certificate.location"] = tls.certFile
            properties["ssl.key.location"] = tls.keyFile
            properties["enable.ssl.certificate.verification"] = tls.insecureSkipVerify ? "false" : "true"
            properties["ssl.endpoint.identification.algorithm"] = tls.insecureSkipVerify ? "none" : "https"
        } else {
            if !tls.isDefault {
                throw ConfigError(key: "kafka.tls", "is set, so kafka.security_protocol must be ssl or sasl_ssl (it is \(securityProtocol))")
            }
            if !usesSASL, !brokers.isEmpty, !isLoopback(brokers) {
                reader.warn("kafka.security_protocol", "plaintext: status events go to the brokers unencrypted: use ssl or sasl_ssl")
            }
        }
        for (name, value) in try reader.stringMap("kafka.properties") {
            if let key = owned[name] {
                let where_ = key.map { "set \($0) instead" } ?? "OMS sets it (or it would put a secret in the file)"
                throw ConfigError(key: "kafka.properties.\(name)", "cannot be set here: \(where_)")
            }
            properties[name] = value
        }
        return properties
    }

    /// Every broker (`host:port`) on this machine.
    private static func isLoopback(_ brokers: [String]) -> Bool {
        brokers.allSatisfy { LoopbackHost.contains(String($0.prefix { $0 != ":" })) }
    }
}

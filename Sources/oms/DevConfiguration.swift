import EdgeRuntime

/// `oms dev`: where the whole stack runs in one process, and which optional services it uses.
/// Every role gets its usual port; the roles' own configurations are derived from this.
struct DevConfiguration: Sendable {
    /// Keys, the SQLite database and nothing else live here (created when missing).
    var folder = "oms-dev"
    var host = "127.0.0.1"
    var ports = Ports()
    /// The nginx in front (nginx-conf/), for the lines printed at start-up.
    var gatewayURL = "http://127.0.0.1:8080"
    /// The SOAP bridge's policies and the Thunderhead WSDL.
    var sidecars = "sidecars"
    /// Absent: refdata reads the database only.
    var redisURL: String?
    /// Absent: the core keeps its final statuses in the outbox.
    var kafkaBrokers: [String] = []
    var kafkaTopic = "oms.document.status"
    /// How long the Thunderhead emulator takes to complete a batch.
    var completeAfterMs = 2000

    struct Ports: Sendable, Equatable {
        var auth = 8081
        var soapBridge = 8082
        var refdata = 8083
        var core = 8084
        var oidm = 9001
        var thunderhead = 9002
        /// A second SOAP bridge whose Thunderhead is `conformanceEcho`, the echo upstream of
        /// `oms conformance --echo-listen`, for the suite's SOAP bridge cases.
        var conformanceBridge = 8092
        var conformanceEcho = 8091

        var all: [(key: String, port: Int)] {
            [("auth", auth), ("soap_bridge", soapBridge), ("refdata", refdata), ("core", core), ("oidm", oidm),
             ("thunderhead", thunderhead), ("conformance_bridge", conformanceBridge), ("conformance_echo", conformanceEcho)]
        }
    }

    init() {}

    init(reader: ConfigReader) throws(ConfigError) {
        folder = try reader.nonEmptyString("dir") ?? folder
        host = try reader.nonEmptyString("host") ?? host
        let port = { (key: String, value: Int) throws(ConfigError) -> Int in try reader.int("ports.\(key)", default: value, in: 1...65535) }
        ports.auth = try port("auth", ports.auth)
        ports.soapBridge = try port("soap_bridge", ports.soapBridge)
        ports.refdata = try port("refdata", ports.refdata)
        ports.core = try port("core", ports.core)
        ports.oidm = try port("oidm", ports.oidm)
        ports.thunderhead = try port("thunderhead", ports.thunderhead)
        ports.conformanceBridge = try port("conformance_bridge", ports.conformanceBridge)
        ports.conformanceEcho = try port("conformance_echo", ports.conformanceEcho)
        var seen: [Int: String] = [:]
        for (key, value) in ports.all {
            if let other = seen[value] { throw ConfigError(key: "ports.\(key)", "\(value) is also ports.\(other)") }
            seen[value] = key
        }
        gatewayURL = try reader.httpURL("gateway_url") ?? gatewayURL
        while gatewayURL.hasSuffix("/") { gatewayURL.removeLast() }
        sidecars = try reader.nonEmptyString("sidecars") ?? sidecars
        redisURL = try reader.nonEmptyString("redis.url")
        kafkaBrokers = try reader.stringList("kafka.brokers")
        kafkaTopic = try reader.nonEmptyString("kafka.topic") ?? kafkaTopic
        completeAfterMs = try reader.int("thunderhead.complete_after_ms", default: completeAfterMs, in: 0...3_600_000)
        // These go into the roles' YAML as quoted scalars: nothing in them may end the quote.
        for (key, value) in [("dir", folder), ("host", host), ("sidecars", sidecars), ("redis.url", redisURL ?? ""), ("kafka.topic", kafkaTopic)] + kafkaBrokers.map({ ("kafka.brokers", $0) }) {
            if let bad = value.unicodeScalars.first(where: { $0.value < 0x20 || $0 == "\"" || $0 == "\\" || $0.value == 0x7F }) {
                throw ConfigError(key: key, "must not contain \(bad.value < 0x20 || bad.value == 0x7F ? "control characters" : "'\(bad)'")")
            }
        }
        if let redisURL, !redisURL.hasPrefix("redis://") { throw ConfigError(key: "redis.url", "expected redis://host:port/db, got '\(redisURL.prefix(80))'") }
        if host.contains(where: { $0 == " " || $0 == "/" || $0 == "," || $0 == "{" || $0 == "}" || $0 == "[" || $0 == "]" }) {
            throw ConfigError(key: "host", "expected a host name or an address, got '\(host.prefix(80))'")
        }
    }

    func url(_ port: Int) -> String { "http://\(host):\(port)" }
}

import EdgeRuntime
import Foundation

/// Where and how the suite runs.
public struct SuiteSettings: Sendable {
    /// The gateway's base URL (`--gateway`), without a trailing slash.
    public var gateway: String
    /// A path the gateway protects and the valid token may read (`--path`).
    public var path = "/v1/documents/conformance"
    /// The clock leeway the gateway allows (`--leeway`), for the claims cases on either side of it.
    public var leeway: Int64 = 30
    /// Bound of each request.
    public var timeout: Duration = .seconds(10)
    /// Only these case ids (`--only`) / categories (`--category`); empty: all.
    public var only: Set<String> = []
    public var categories: Set<String> = []
    /// A route and the scope it needs beyond what `path` needs (`--route METHOD:PATH:SCOPE`),
    /// for the per-route scope cases.
    public var route: Route?
    /// The OIDM emulator's base URL (`--oidm-admin`), for the cases that need an OIDM outage.
    public var oidmAdmin: String?
    /// Where the echo upstream serves what the attacker serves; without it, names that
    /// resolve nowhere.
    public var attackerURLs: [AttackerResource: String] = [:]
    /// Why the target cannot reach the attacker's server (a gateway on another machine and no
    /// `--attacker-url`): the cases that watch for a fetch are skipped with this reason, never
    /// passed on a fetch that could not have happened.
    public var attackerUnreachable: String?
    /// The echo upstream was placed by the operator (`--echo-listen`), so the SOAP bridge's
    /// upstream may be pointed at it; one on a port of its own choosing cannot be.
    public var echoPlaced = false
    /// The SOAP bridge's base URL (`--soap-bridge`), directly or through the gateway; nil skips
    /// its cases.
    public var soapBridge: String?
    /// `--backend`: endpoints of roles behind the gateway, called directly (whole URLs).
    public var backends: [String] = []

    /// Why a gateway cannot reach the attacker's server at `attacker`, or nil: a gateway on
    /// another machine does not reach this one's loopback, and without `--attacker-url`
    /// (`given`) nothing says how it would.
    public static func attackerUnreachable(gateway: String, attacker: String, given: Bool) -> String? {
        guard !given, let gatewayHost = URL(string: gateway)?.host, let attackerHost = URL(string: attacker)?.host else { return nil }
        guard !LoopbackHost.contains(gatewayHost), LoopbackHost.contains(attackerHost) else { return nil }
        return "the gateway (\(gatewayHost)) is not on this machine, so it cannot reach the attacker's server at \(attacker): give --attacker-url with an address it reaches (and --echo-listen to listen there)"
    }

    func attackerURL(_ resource: AttackerResource) -> String {
        attackerURLs[resource] ?? resource.unreachableURL
    }

    public struct Route: Sendable, Equatable {
        public let method: String
        public let path: String
        public let scope: String

        /// `METHOD:PATH:SCOPE`, e.g. `POST:/v1/documents:documents.write`; nil when malformed.
        public init?(_ text: String) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }),
                  parts[1].hasPrefix("/"), !parts[2].isEmpty, !parts[2].contains(" ") else { return nil }
            (method, path, scope) = (parts[0], parts[1], parts[2])
        }
    }

    public init(gateway: String) {
        self.gateway = gateway.hasSuffix("/") ? String(gateway.dropLast()) : gateway
    }
}

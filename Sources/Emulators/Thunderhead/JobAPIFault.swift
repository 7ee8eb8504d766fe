import SOAP
import XML

/// A fault the emulated JobAPI raises, with Thunderhead's `JobAPIFault` detail. Codes
/// `TH-1xxx` are malformed requests, `TH-2xxx` business rules, `TH-9xxx` the service's own.
struct JobAPIFault: Error, Sendable {
    let side: SOAPFault.Side
    let code: String
    let message: String

    static func invalid(_ code: String, _ message: String) -> JobAPIFault { JobAPIFault(side: .client, code: code, message: message) }

    var soapFault: SOAPFault {
        let detail = XMLElement(
            "JobAPIFault", namespace: ThunderheadJobAPI.namespace,
            children: [.element(XMLElement("code", children: [.text(code)])), .element(XMLElement("message", children: [.text(message)]))]
        )
        return SOAPFault(side: side, message: "\(code): \(message)", detail: detail)
    }
}

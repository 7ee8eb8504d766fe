import SOAP
import XML

/// SOAP faults and in-band error messages → REST errors.
enum FaultMapping {
    /// Client faults are the caller's: 422 when the detail code is a business rule, else
    /// 400; server faults are the upstream's: 502.
    static func error(for fault: SOAPFault, policy: ServicePolicy) -> BridgeError {
        let detailCode = fault.detail?.first("code")?.text.trimmingCharacters(in: .whitespaces)
        let detail = fault.detail.map { XMLToJSON.convert($0) }
        switch fault.side {
        case .client:
            let business = detailCode.map { code in policy.businessFaultCodes.contains { code.hasPrefix($0) } } ?? false
            return BridgeError(status: business ? 422 : 400, code: detailCode ?? "client_fault", message: fault.message, detail: detail, faultCode: "client")
        case .server:
            return BridgeError(status: 502, code: detailCode ?? "server_fault", message: fault.message, detail: detail, faultCode: "server")
        }
    }

    /// A 200 whose answer carries error-type messages is a failure too (502: the upstream
    /// could not do the work).
    static func errorMessages(in payload: XMLElement, rule: ServicePolicy.ErrorMessageRule) -> BridgeError? {
        var found: [XMLElement] = []
        var stack = [payload]
        while let element = stack.popLast() {
            for child in element.elements {
                if child.name.local == rule.element, rule.errorTypes.contains(child.first(rule.typeElement)?.text ?? "") {
                    found.append(child)
                } else {
                    stack.append(child)
                }
            }
        }
        guard let first = found.first else { return nil }
        let code = first.first(rule.codeElement)?.text ?? "upstream_error"
        let detail = "[" + found.map { XMLToJSON.convert($0) }.joined(separator: ",") + "]"
        return BridgeError(status: 502, code: code, message: first.first(rule.messageElement)?.text ?? "the upstream reported an error", detail: detail)
    }
}

import Curl
import EdgeRuntime
import Foundation
import SOAP
import Tracing
import XML

/// One REST call through one route: JSON → SOAP request, the upstream call, SOAP → JSON.
struct BridgeCall: Sendable {
    let policy: ServicePolicy
    let route: RoutePolicy
    let upstream: UpstreamSettings
    let http: CurlClient
    let limits: XMLLimits

    /// The SOAP envelope for a caller's body and path parameters.
    func envelope(body: [UInt8], parameters: [String: String]) throws(BridgeError) -> String {
        let token = upstream.authentication == .usernameToken
            ? UsernameToken(username: upstream.username ?? "", password: upstream.password ?? "") : nil
        var writer: XMLWriter
        do {
            writer = try SOAPEnvelope.open(version: upstream.soapVersion, security: token)
        } catch {
            throw BridgeError(status: 500, code: "internal", message: "cannot write the envelope: \(error.message)")
        }
        // Mapping errors and bad characters come from the caller's body: 400.
        do {
            try writer.start("tns:\(route.operation)", attributes: [("xmlns:tns", policy.namespace)])
            for (parameter, element) in route.fromPath {
                try writer.element(element, text: parameters[parameter] ?? "")
            }
            if route.takesBody {
                if let element = route.bodyElement { try writer.start(element) }
                try JSONToXML.writeMembers(ofJSON: body, mapping: route.requestMapping, into: &writer)
                if route.bodyElement != nil { try writer.end() }
            }
            try writer.end()
        } catch let error as MappingError {
            throw BridgeError(status: 400, code: "bad_request", message: error.message)
        } catch let error as XMLError {
            throw BridgeError(status: 400, code: "bad_request", message: error.message)
        } catch {
            throw BridgeError(status: 400, code: "bad_request", message: "\(error)")
        }
        do {
            return try SOAPEnvelope.close(&writer)
        } catch {
            throw BridgeError(status: 500, code: "internal", message: "the request wrapper was left open")
        }
    }

    /// The whole call; returns the status and JSON body for the caller. Traced as the
    /// translation (`soap.translate`) and the SOAP call (`<service> <operation>`, a client span
    /// around the HTTP one, with the fault's code when the answer is a fault).
    func perform(body: [UInt8], parameters: [String: String], requestID: String) async -> (status: Int, json: String) {
        let translated = ProcessTracing.tracer.withSpan("soap.translate") { span in
            span.attributes["rpc.method"] = route.operation
            return Result { () throws(BridgeError) in try envelope(body: body, parameters: parameters) }
        }
        let soap: String
        switch translated {
        case .success(let text): soap = text
        case .failure(let error): return (error.status, error.json)
        }
        return await ProcessTracing.tracer.withSpan("\(policy.service) \(route.operation)", ofKind: .client) { span in
            span.attributes["rpc.system"] = "soap"
            span.attributes["rpc.service"] = policy.service
            span.attributes["rpc.method"] = route.operation
            do throws(BridgeError) {
                return try answer(try await send(soap, requestID: requestID))
            } catch {
                span.attributes["oms.bridge.error"] = error.code
                if let side = error.faultCode {
                    span.attributes["soap.fault.side"] = side
                    span.attributes["soap.fault.code"] = error.code
                }
                span.setStatus(SpanStatus(code: .error, message: error.message))
                return (error.status, error.json)
            }
        }
    }

    private func send(_ soap: String, requestID: String) async throws(BridgeError) -> CurlResponse {
        var headers: [(name: String, value: String)] = [("Content-Type", upstream.soapVersion.contentType(action: route.soapAction)), ("X-Request-Id", requestID)]
        headers += upstream.soapVersion.actionHeaders(route.soapAction)
        if upstream.authentication == .basic {
            headers.append(("Authorization", "Basic " + Data("\(upstream.username ?? ""):\(upstream.password ?? "")".utf8).base64EncodedString()))
        }
        let request = CurlRequest(
            url: upstream.url, method: "POST", headers: headers, body: Array(soap.utf8),
            timeout: .milliseconds(upstream.timeoutMs), maxResponseBytes: limits.maxBytes, tls: upstream.tls
        )
        do {
            return try await http.execute(request)
        } catch {
            switch error.code {
            case .timeout: throw BridgeError(status: 504, code: "upstream_timeout", message: "\(policy.service) did not answer within \(upstream.timeoutMs) ms")
            case .responseTooLarge: throw BridgeError(status: 502, code: "upstream_response_too_large", message: "\(policy.service) answered more than \(limits.maxBytes) bytes")
            default: throw BridgeError(status: 502, code: "upstream_unreachable", message: "\(policy.service) is unreachable (\(error.code))")
            }
        }
    }

    /// SOAP answer → REST answer.
    func answer(_ response: CurlResponse) throws(BridgeError) -> (status: Int, json: String) {
        let envelope: SOAPEnvelope
        do {
            envelope = try SOAPEnvelope.parse(response.body, limits: limits)
        } catch {
            let reason = error.xmlError.map { "\($0.code)" } ?? "\(error.code)"
            throw BridgeError(status: 502, code: "upstream_invalid_response", message: "\(policy.service) answered HTTP \(response.status) with an unusable SOAP message (\(reason))")
        }
        if let fault = envelope.fault {
            throw FaultMapping.error(for: fault, policy: policy)
        }
        guard (200..<300).contains(response.status) else {
            throw BridgeError(status: 502, code: "upstream_error", message: "\(policy.service) answered HTTP \(response.status) without a fault")
        }
        guard let payload = envelope.payload, payload.name.local == "\(route.operation)Response" else {
            throw BridgeError(status: 502, code: "upstream_invalid_response", message: "\(policy.service) did not answer \(route.operation)Response")
        }
        if let rule = policy.errorMessages, let failure = FaultMapping.errorMessages(in: payload, rule: rule) {
            throw failure
        }
        guard let mapping = route.responseMapping else { return (route.status, XMLToJSON.convert(payload)) }
        do {
            return (route.status, try XMLToJSON.select(mapping, from: payload))
        } catch {
            throw BridgeError(status: 502, code: "upstream_invalid_response", message: error.message)
        }
    }
}

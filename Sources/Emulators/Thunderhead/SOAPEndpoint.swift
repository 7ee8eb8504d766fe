import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import SOAP
import XML

/// One SOAP call: version, envelope, credentials and action checked, then the operation.
struct SOAPEndpoint: Sendable {
    let api: ThunderheadJobAPI
    let configuration: ThunderheadEmulatorConfiguration
    let outage: ThunderheadOutage
    let calls: Counter

    func answer(_ bytes: [UInt8], headers: HTTPFields) -> Response {
        calls.increment()
        let contentType = headers[.contentType] ?? ""
        guard let version = SOAPVersion.detect(contentType: contentType) else {
            return fault(.invalid("TH-1100", "Content-Type must be text/xml (SOAP 1.1) or application/soap+xml (SOAP 1.2)"), version: .v1_1, status: .unsupportedMediaType)
        }
        if let status = outage.status.withLock({ $0 }) {
            return fault(JobAPIFault(side: .server, code: "TH-9503", message: "emulated outage"), version: version, status: HTTPResponse.Status(code: status))
        }
        let envelope: SOAPEnvelope
        do {
            envelope = try SOAPEnvelope.parse(bytes)
        } catch {
            return fault(.invalid("TH-1101", "not a SOAP envelope: \(error.message)"), version: version)
        }
        guard envelope.version == version else {
            return fault(.invalid("TH-1102", "a SOAP \(envelope.version.rawValue) envelope sent as SOAP \(version.rawValue)"), version: version)
        }
        // Before anything is processed: a block the caller marked as essential and this
        // service does not know stops the call (SOAP 1.1 §4.2.3, 1.2 §5.2.3).
        let unknown = envelope.notUnderstoodBlocks(understood: Self.understoodHeaders)
        if let first = unknown.first {
            let fault = SOAPFault(side: .client, message: "header block {\(first.namespace ?? "")}\(first.local) was not understood", mustUnderstand: true)
            return Self.response(.internalServerError, (try? SOAPEnvelope.fault(fault, version: version)) ?? "", version: version)
        }
        if let username = configuration.username, !authenticated(envelope, headers: headers, username: username, password: configuration.password ?? "") {
            return fault(.invalid("TH-1103", "authentication failed"), version: version)
        }
        guard let payload = envelope.payload else { return fault(.invalid("TH-1104", "the Body is empty"), version: version) }
        let action = version == .v1_1
            ? headers[HTTPField.Name("SOAPAction")!].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\" ")) }
            : SOAPVersion.action(inContentType: contentType)
        if let action, !action.isEmpty, action != "urn:\(payload.name.local)" {
            return fault(.invalid("TH-1105", "SOAPAction \(action) does not match the operation \(payload.name.local)"), version: version)
        }
        do {
            let write = try api.answer(payload)
            let text = try SOAPEnvelope.write(version: version) { (writer: inout XMLWriter) throws(XMLError) in try write(&writer) }
            return Self.response(.ok, text, version: version)
        } catch let error as JobAPIFault {
            return fault(error, version: version)
        } catch {
            return fault(JobAPIFault(side: .server, code: "TH-9000", message: "cannot write the answer: \(error)"), version: version)
        }
    }

    /// WS-Security is the one header the emulated JobAPI understands.
    static let understoodHeaders: Set<XMLName> = [XMLName("Security", namespace: UsernameToken.securityNamespace)]

    private func authenticated(_ envelope: SOAPEnvelope, headers: HTTPFields, username: String, password: String) -> Bool {
        if let token = UsernameToken(header: envelope.header) {
            return token == UsernameToken(username: username, password: password)
        }
        guard let authorization = headers[.authorization], authorization.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)) else { return false }
        return String(decoding: decoded, as: UTF8.self) == "\(username):\(password)"
    }

    /// SOAP 1.1 answers every fault with 500; SOAP 1.2 answers a Sender fault with 400.
    private func fault(_ error: JobAPIFault, version: SOAPVersion, status: HTTPResponse.Status? = nil) -> Response {
        let text = (try? SOAPEnvelope.fault(error.soapFault, version: version)) ?? ""
        let code: HTTPResponse.Status = status ?? (version == .v1_2 && error.side == .client ? .badRequest : .internalServerError)
        return Self.response(code, text, version: version)
    }

    private static func response(_ status: HTTPResponse.Status, _ text: String, version: SOAPVersion) -> Response {
        let type = version == .v1_1 ? "text/xml; charset=utf-8" : "application/soap+xml; charset=utf-8"
        return Response(status: status, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

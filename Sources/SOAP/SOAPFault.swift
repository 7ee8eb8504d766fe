import Foundation
import XML

/// A SOAP fault, in either version's shape (SOAP 1.1 §4.4, SOAP 1.2 part 1 §5.4).
public struct SOAPFault: Sendable, Equatable {
    /// Whose fault it is: the caller's (Client / Sender) or the service's (Server / Receiver).
    public enum Side: Sendable, Equatable { case client, server }

    public var side: Side
    /// The fault string / reason text.
    public var message: String
    /// The service's own detail entry (for example Thunderhead's `JobAPIFault`), if any.
    public var detail: XMLElement?
    /// A MustUnderstand fault: a header block addressed to the receiver, marked
    /// `mustUnderstand`, was not understood. Neither side's code applies then.
    public var mustUnderstand: Bool

    public init(side: Side, message: String, detail: XMLElement? = nil, mustUnderstand: Bool = false) {
        self.side = side
        self.message = message
        self.detail = detail
        self.mustUnderstand = mustUnderstand
    }

    /// Writes `<Fault>` inside an open Body whose envelope prefix is `env`.
    public func write(to writer: inout XMLWriter, version: SOAPVersion) throws(XMLError) {
        switch version {
        case .v1_1:
            try writer.start("env:Fault")
            try writer.element("faultcode", text: mustUnderstand ? "env:MustUnderstand" : side == .client ? "env:Client" : "env:Server")
            try writer.element("faultstring", text: message)
            if let detail {
                try writer.start("detail")
                writer.raw(detail.serialized())
                try writer.end()
            }
            try writer.end()
        case .v1_2:
            try writer.start("env:Fault")
            try writer.start("env:Code")
            try writer.element("env:Value", text: mustUnderstand ? "env:MustUnderstand" : side == .client ? "env:Sender" : "env:Receiver")
            try writer.end()
            try writer.start("env:Reason")
            try writer.element("env:Text", text: message, attributes: [("xml:lang", "en")])
            try writer.end()
            if let detail {
                try writer.start("env:Detail")
                writer.raw(detail.serialized())
                try writer.end()
            }
            try writer.end()
        }
    }

    /// Reads a `<Fault>` element of either version.
    public init?(_ element: XMLElement, version: SOAPVersion) {
        guard element.name.local == "Fault", element.name.namespace == version.envelopeNamespace else { return nil }
        switch version {
        case .v1_1:
            let code = element.first("faultcode")?.text.trimmingCharacters(in: .whitespaces) ?? ""
            side = code.hasSuffix("Client") ? .client : .server
            mustUnderstand = code.hasSuffix("MustUnderstand")
            message = element.first("faultstring")?.text ?? ""
            detail = element.first("detail")?.elements.first
        case .v1_2:
            let code = element.first("Code", namespace: version.envelopeNamespace)?.first("Value", namespace: version.envelopeNamespace)?.text ?? ""
            side = code.hasSuffix("Sender") ? .client : .server
            mustUnderstand = code.hasSuffix("MustUnderstand")
            message = element.first("Reason", namespace: version.envelopeNamespace)?.first("Text", namespace: version.envelopeNamespace)?.text ?? ""
            detail = element.first("Detail", namespace: version.envelopeNamespace)?.elements.first
        }
    }
}

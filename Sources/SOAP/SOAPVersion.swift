import Foundation

/// SOAP 1.1 and 1.2 differ in envelope namespace, media type, where the action travels and
/// how faults are shaped; everything version-specific is answered here.
public enum SOAPVersion: String, Sendable, CaseIterable {
    case v1_1 = "1.1"
    case v1_2 = "1.2"

    public var envelopeNamespace: String {
        switch self {
        case .v1_1: "http://schemas.xmlsoap.org/soap/envelope/"
        case .v1_2: "http://www.w3.org/2003/05/soap-envelope"
        }
    }

    /// The request's Content-Type. SOAP 1.2 carries the action as a media-type parameter
    /// (RFC 3902); SOAP 1.1 uses the SOAPAction header instead.
    public func contentType(action: String) -> String {
        switch self {
        case .v1_1: "text/xml; charset=utf-8"
        case .v1_2: "application/soap+xml; charset=utf-8; action=\"\(action)\""
        }
    }

    /// The extra headers a request needs for `action`.
    public func actionHeaders(_ action: String) -> [(name: String, value: String)] {
        switch self {
        case .v1_1: [("SOAPAction", "\"\(action)\"")]
        case .v1_2: []
        }
    }

    /// Which version a request is, from its Content-Type.
    public static func detect(contentType: String?) -> SOAPVersion? {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return nil }
        switch type {
        case "text/xml": return .v1_1
        case "application/soap+xml": return .v1_2
        default: return nil
        }
    }

    /// The action of a SOAP 1.2 request, from its Content-Type parameter.
    public static func action(inContentType contentType: String) -> String? {
        for parameter in contentType.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "action" {
                return parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }
}

import XML

/// A parsed SOAP message, or the writer of one.
public struct SOAPEnvelope: Sendable {
    public let version: SOAPVersion
    public let header: XMLElement?
    /// The first element of the Body: the operation's wrapper element, or a Fault.
    public let payload: XMLElement?

    /// The fault the Body carries, if it is one.
    public var fault: SOAPFault? { payload.flatMap { SOAPFault($0, version: version) } }

    /// Parses hostile bytes with the hardened parser; the version comes from the envelope's
    /// namespace, whatever the transport claimed.
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = .init()) throws(SOAPError) -> SOAPEnvelope {
        let root: XMLElement
        do {
            root = try HardenedXMLParser.parse(bytes, limits: limits)
        } catch {
            throw SOAPError(.xml, error.description, xmlError: error)
        }
        guard root.name.local == "Envelope",
              let version = SOAPVersion.allCases.first(where: { $0.envelopeNamespace == root.name.namespace }) else {
            throw SOAPError(.notAnEnvelope, "root element is {\(root.name.namespace ?? "")}\(root.name.local), not a SOAP Envelope")
        }
        guard let body = root.first("Body", namespace: version.envelopeNamespace) else {
            throw SOAPError(.noBody, "the Envelope has no Body")
        }
        return SOAPEnvelope(version: version, header: root.first("Header", namespace: version.envelopeNamespace), payload: body.elements.first)
    }

    /// Writes an envelope; `header` and `body` write their content with the envelope prefix
    /// `env` already declared.
    public static func write(
        version: SOAPVersion,
        header: ((inout XMLWriter) throws(XMLError) -> Void)? = nil,
        body: (inout XMLWriter) throws(XMLError) -> Void
    ) throws(XMLError) -> String {
        var writer = XMLWriter(declaration: true)
        try writer.start("env:Envelope", attributes: [("xmlns:env", version.envelopeNamespace)])
        if let header {
            try writer.start("env:Header")
            try header(&writer)
            try writer.end()
        }
        try writer.start("env:Body")
        try body(&writer)
        try writer.end()
        try writer.end()
        return try writer.finish()
    }

    /// An envelope whose header carries `token` (WS-Security UsernameToken), when given.
    public static func write(
        version: SOAPVersion,
        security token: UsernameToken?,
        body: (inout XMLWriter) throws(XMLError) -> Void
    ) throws(XMLError) -> String {
        var writer = try open(version: version, security: token)
        try body(&writer)
        return try close(&writer)
    }

    /// A writer with the Envelope (and the security header, when given) written and the Body
    /// open, for callers whose body content throws errors of its own; `close` finishes it.
    public static func open(version: SOAPVersion, security token: UsernameToken?) throws(XMLError) -> XMLWriter {
        var writer = XMLWriter(declaration: true)
        try writer.start("env:Envelope", attributes: [("xmlns:env", version.envelopeNamespace)])
        if let token {
            try writer.start("env:Header")
            try token.write(to: &writer, version: version)
            try writer.end()
        }
        try writer.start("env:Body")
        return writer
    }

    /// Closes the Body and the Envelope that `open` started.
    public static func close(_ writer: inout XMLWriter) throws(XMLError) -> String {
        try writer.end()
        try writer.end()
        return try writer.finish()
    }

    /// A whole fault message.
    public static func fault(_ fault: SOAPFault, version: SOAPVersion) throws(XMLError) -> String {
        try write(version: version) { (writer: inout XMLWriter) throws(XMLError) in try fault.write(to: &writer, version: version) }
    }
}

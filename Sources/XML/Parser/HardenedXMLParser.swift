import CXML2

/// Parses untrusted XML (e.g. SOAP responses from upstreams we do not control) into an
/// ``XMLElement`` tree, refusing everything a SOAP message does not need:
///
/// - any `<!DOCTYPE` → ``XMLError/Code/doctypeForbidden`` (SOAP 1.1 §3 and SOAP 1.2 part 1 §5
///   forbid a DTD in a message), which rules out XXE, external DTDs, parameter entities and
///   entity-expansion bombs before any declaration is read;
/// - references to anything but the five predefined entities (XML 1.0 §4.6) →
///   ``XMLError/Code/entityForbidden``; character references work;
/// - input, depth, node, attribute or namespace counts beyond ``XMLLimits``;
/// - encodings other than UTF-8, UTF-16, US-ASCII, ISO-8859-n and windows-125n (see
///   `EncodingSniffer`) → ``XMLError/Code/malformed``.
///
/// Built on libxml2's SAX2 interface: one pass, no libxml2 DOM, no recursion in our code.
/// Never passes XML_PARSE_NOENT / XML_PARSE_DTDLOAD / XML_PARSE_HUGE, and a process-wide
/// external entity loader that refuses everything is installed before the first parse.
/// Comments and processing instructions are dropped; whitespace-only text is kept.
/// Thread-safe: every call has its own libxml2 parser context.
public enum HardenedXMLParser {
    /// - XML_PARSE_NONET: no network access, whatever happens (belt and braces with the loader).
    /// - XML_PARSE_NOCDATA: CDATA sections arrive as ordinary characters.
    /// - XML_PARSE_NOERROR / NOWARNING: nothing is printed to stderr; errors reach `serror`.
    private static let options = Int32(
        XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
            | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
    )

    /// Parses a complete document and returns its document element.
    public static func parse(_ bytes: [UInt8], limits: XMLLimits = .init()) throws(XMLError) -> XMLElement {
        // Check the size before anything else so that oversized input costs nothing.
        guard bytes.count <= limits.maxBytes else { throw self.tooLarge(bytes.count, limits) }
        // `withUnsafeBytes` rethrows untyped errors; carry the typed result out instead.
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(XMLError) in try self.parse(buffer, limits: limits) }
        }
        return try result.get()
    }

    /// Parses a complete document and returns its document element. The bytes are only read
    /// during the call.
    public static func parse(
        _ bytes: UnsafeRawBufferPointer,
        limits: XMLLimits = .init()
    ) throws(XMLError) -> XMLElement {
        // libxml2 counts in `int`.
        guard bytes.count <= limits.maxBytes, bytes.count <= Int(Int32.max) else {
            throw self.tooLarge(bytes.count, limits)
        }
        guard bytes.count > 0 else {
            // XML 1.0 §2.1: a document has exactly one element.
            throw XMLError(.malformed, "document is empty", line: 1, column: 1)
        }
        try InputPreflight.check(bytes, limits: limits)
        LibXML2Setup.ensure()

        var builder = SAXTreeBuilder(limits: limits, input: bytes)
        // nil when libxml2 could not even allocate a context.
        let wellFormed: Bool? = withUnsafeMutablePointer(to: &builder) { builder in
            // Only libxml2's callbacks touch the builder until this closure returns.
            let userData = UnsafeMutableRawPointer(builder)
            // A pull parser reading through `readInput` (see SAXTreeBuilder): xmlParseDocument
            // makes one pass, and libxml2 copies our handler table into the context it owns.
            var handler = SAXHandler.make()
            guard
                let context = xmlCreateIOParserCtxt(
                    &handler, userData, readInput, nil, userData, XML_CHAR_ENCODING_NONE
                )
            else {
                return nil
            }
            defer { xmlFreeParserCtxt(context) }
            builder.pointee.attach(context)
            xmlCtxtUseOptions(context, self.options)
            // Defence in depth against process-wide defaults someone may have changed
            // (xmlSubstituteEntitiesDefault, xmlLoadExtDtdDefaultValue): no entity substitution,
            // no DTD loading, no validation.
            context.pointee.replaceEntities = 0
            context.pointee.loadsubset = 0
            context.pointee.validate = 0
            _ = xmlParseDocument(context)
            builder.pointee.attach(nil)
            return context.pointee.wellFormed != 0
        }

        guard let wellFormed else {
            throw XMLError(.malformed, "libxml2 could not create a parser context")
        }
        return try builder.finish(wellFormed: wellFormed)
    }

    private static func tooLarge(_ count: Int, _ limits: XMLLimits) -> XMLError {
        XMLError(.tooLarge, "input of \(count) bytes exceeds the limit of \(limits.maxBytes) bytes")
    }
}

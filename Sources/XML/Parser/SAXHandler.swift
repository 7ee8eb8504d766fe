import CXML2

/// The libxml2 SAX2 handler table. Every callback is a plain C function that forwards to the
/// ``SAXTreeBuilder`` whose address is `userData`; no callback captures anything.
///
/// Callbacks left NULL are events we ignore (comments, processing instructions, document
/// start/end). The DTD-related ones are set so that each refuses: the DOCTYPE is stopped before
/// its internal subset is parsed, so they are defence in depth should that ever change.
enum SAXHandler {
    /// Built per parse: the struct holds a raw `_private` pointer, so it is not Sendable and cannot
    /// be a shared constant; filling in ~30 fields with non-capturing C function pointers is free.
    static func make() -> xmlSAXHandler {
        var sax = xmlSAXHandler()
        // XML_SAX2_MAGIC selects the namespace-aware SAX2 interface (startElementNs & co.) and
        // the structured error callback `serror`.
        sax.initialized = UInt32(truncatingIfNeeded: XML_SAX2_MAGIC)
        sax.startElementNs = { userData, localName, _, uri, namespaceCount, _, attributeCount, _, attributes in
            guard let localName else { return }
            builder(userData).pointee.startElement(
                localName: localName,
                namespace: uri,
                namespaceDeclarations: Int(namespaceCount),
                attributeCount: Int(attributeCount),
                attributes: attributes
            )
        }
        sax.endElementNs = { userData, _, _, _ in
            builder(userData).pointee.endElement()
        }
        sax.characters = characters
        sax.cdataBlock = characters
        // Whitespace is kept as text: the caller decides. Pointing ignorableWhitespace at the
        // same function also makes libxml2 skip its "are these blanks?" guess (areBlanks).
        sax.ignorableWhitespace = characters
        sax.internalSubset = { userData, _, _, _ in builder(userData).pointee.doctype() }
        sax.externalSubset = { userData, _, _, _ in builder(userData).pointee.doctype() }
        sax.entityDecl = { userData, _, _, _, _, _ in builder(userData).pointee.entity(parameter: false) }
        sax.getEntity = { userData, _ in
            builder(userData).pointee.entity(parameter: false)
            return nil
        }
        sax.getParameterEntity = { userData, _ in
            builder(userData).pointee.entity(parameter: true)
            return nil
        }
        sax.resolveEntity = { userData, _, _ in
            builder(userData).pointee.entity(parameter: false)
            return nil
        }
        sax.unparsedEntityDecl = { userData, _, _, _, _ in builder(userData).pointee.entity(parameter: false) }
        sax.serror = { userData, error in
            guard let error else { return }
            builder(userData).pointee.libraryError(error.pointee)
        }
        return sax
    }
}

/// The `xmlInputReadCallback` through which libxml2 pulls the input from the builder.
func readInput(
    _ context: UnsafeMutableRawPointer?,
    _ buffer: UnsafeMutablePointer<CChar>?,
    _ capacity: Int32
) -> Int32 {
    guard let buffer else { return -1 }
    return builder(context).pointee.read(into: buffer, capacity: Int(capacity))
}

private func characters(_ userData: UnsafeMutableRawPointer?, _ bytes: UnsafePointer<xmlChar>?, _ count: Int32) {
    guard let bytes, count > 0 else { return }
    builder(userData).pointee.characters(bytes, count: Int(count))
}

/// `userData` is always the pointer to the ``SAXTreeBuilder`` that `HardenedXMLParser` holds
/// for the whole `xmlParseDocument` call; callbacks run synchronously on that thread.
private func builder(_ userData: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<SAXTreeBuilder> {
    userData!.assumingMemoryBound(to: SAXTreeBuilder.self)
}

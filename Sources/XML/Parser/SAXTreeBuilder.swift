import CXML2

/// Builds the ``XMLElement`` tree from libxml2's SAX2 events in one pass, and enforces the
/// depth / node limits as the events arrive.
///
/// There is no recursion here: open elements live on `stack`; closing one moves it into its
/// parent's children. Text arrives in pieces (libxml2 splits character data, and reports each
/// predefined entity reference and CDATA section separately), so pieces are joined in
/// `pendingText` and become one text node when the next tag starts or ends: the "adjacent text
/// is merged" rule. Most runs arrive in one piece, which is decoded straight from libxml2's
/// buffer.
///
/// It also feeds libxml2 its input (`read`), in the chunks libxml2 asks for, so that after the
/// first error libxml2 gets end-of-input instead of the rest of a hostile document: libxml2 2.9
/// keeps parsing after a fatal error (with SAX disabled), and stopping it from inside its error
/// reporting is not safe.
///
/// A struct that the callbacks reach through a pointer (see `HardenedXMLParser`), not a class:
/// every access to a class's `var` costs a dynamic exclusivity check, and at a few hundred
/// events per document that was a measurable share of the parse. Lives only for one synchronous
/// `xmlParseDocument` call on one thread.
struct SAXTreeBuilder {
    /// Bookkeeping for an open element, kept apart from the element itself so that closing it
    /// moves the element out of `stack` whole (a struct wrapping it was copied field by field).
    private struct Frame {
        var namespaceDeclarations: Int
    }

    private let limits: XMLLimits
    private let input: UnsafeRawBufferPointer
    private var inputOffset = 0
    /// The parser driving us; used to read the input position and to stop it. Set right after
    /// the context is created, and only used inside libxml2's callbacks while it is alive.
    private var context: xmlParserCtxtPtr?
    private var stack: [XMLElement] = []
    private var frames: [Frame] = []
    private var namespacesInScope = 0
    private var pendingText = ""
    private var nodeCount = 0
    private var names = InternedNames(dictionary: nil)
    private var root: XMLElement?
    /// The first error seen; later ones are consequences and are dropped.
    private var error: XMLError?

    init(limits: XMLLimits, input: UnsafeRawBufferPointer) {
        self.limits = limits
        self.input = input
        self.stack.reserveCapacity(min(limits.maxDepth, 64))
        self.frames.reserveCapacity(min(limits.maxDepth, 64))
    }

    /// Connects the builder to the parser context before parsing, and disconnects it after.
    mutating func attach(_ context: xmlParserCtxtPtr?) {
        self.context = context
        if let context {
            self.names = InternedNames(dictionary: context.pointee.dict)
        }
    }

    /// The document element, moved out, or the first error.
    mutating func finish(wellFormed: Bool) throws(XMLError) -> XMLElement {
        if let error = self.error {
            throw error
        }
        var root: XMLElement?
        swap(&root, &self.root)
        guard wellFormed, let root else {
            throw XMLError(.malformed, "not well-formed")
        }
        return root
    }

    // MARK: Input

    /// libxml2's `xmlInputReadCallback`: copies the next chunk; 0 means end of input.
    mutating func read(into buffer: UnsafeMutablePointer<CChar>, capacity: Int) -> Int32 {
        guard self.error == nil, capacity > 0 else { return 0 }
        let count = min(capacity, self.input.count - self.inputOffset)
        guard count > 0, let base = self.input.baseAddress else { return 0 }
        UnsafeMutableRawPointer(buffer).copyMemory(from: base + self.inputOffset, byteCount: count)
        self.inputOffset += count
        return Int32(count)
    }

    // MARK: Events

    mutating func startElement(
        localName: UnsafePointer<xmlChar>,
        namespace: UnsafePointer<xmlChar>?,
        namespaceDeclarations: Int,
        attributeCount: Int,
        attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?
    ) {
        // A non-fatal libxml2 error (e.g. an undeclared namespace prefix, Namespaces in XML 1.0
        // §5 "Namespace constraint: Prefix Declared") does not disable SAX; refuse here.
        if self.error != nil { return self.stop() }
        if self.stack.count >= self.limits.maxDepth {
            return self.fail(.tooDeep, "element nesting deeper than \(self.limits.maxDepth)")
        }
        // InputPreflight already refused such a tag; this is the backstop.
        if attributeCount + namespaceDeclarations > self.limits.maxAttributesPerElement {
            let limit = self.limits.maxAttributesPerElement
            return self.fail(.tooManyNodes, "an element has more than \(limit) attributes and namespace declarations")
        }
        self.namespacesInScope += namespaceDeclarations
        if self.namespacesInScope > self.limits.maxNamespacesInScope {
            let limit = self.limits.maxNamespacesInScope
            return self.fail(.tooManyNodes, "more than \(limit) namespace declarations in scope")
        }
        guard self.flushText() else { return }
        guard self.count(1 + attributeCount) else { return }

        var element = XMLElement(self.names.string(localName), namespace: self.names.stringIfPresent(namespace))
        if attributeCount > 0, let attributes {
            element.attributes.reserveCapacity(attributeCount)
            // SAX2 passes 5 pointers per attribute: localname, prefix, URI, value, end.
            for index in 0..<attributeCount {
                let base = attributes + 5 * index
                guard let local = base[0], let value = base[3], let end = base[4] else { continue }
                element.attributes.append(
                    XMLAttribute(
                        XMLName(self.names.string(local), namespace: self.names.stringIfPresent(base[2])),
                        AttributeValue.decode(UnsafeBufferPointer(start: value, count: end - value))
                    )
                )
            }
        }
        self.stack.append(element)
        self.frames.append(Frame(namespaceDeclarations: namespaceDeclarations))
    }

    mutating func endElement() {
        if self.error != nil { return self.stop() }
        guard self.flushText(), let element = self.stack.popLast(), let frame = self.frames.popLast() else { return }
        self.namespacesInScope -= frame.namespaceDeclarations
        if self.stack.isEmpty {
            self.root = element
        } else {
            self.appendChild(.element(element))
        }
    }

    /// Character data and CDATA sections (CDATA is just text in this model).
    mutating func characters(_ bytes: UnsafePointer<xmlChar>, count: Int) {
        // Outside the document element libxml2 only reports errors, but be safe.
        guard !self.stack.isEmpty, self.error == nil else { return }
        let piece = String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        if self.pendingText.isEmpty {
            self.pendingText = piece
        } else {
            self.pendingText += piece
        }
    }

    /// A `<!DOCTYPE`: refused before its internal subset is read, so no markup declaration
    /// (XML 1.0 §2.8) — in particular no entity declaration (§4.2) — is ever processed.
    mutating func doctype() {
        self.fail(.doctypeForbidden, "DOCTYPE is not allowed")
    }

    /// A reference to an entity other than the predefined ones (libxml2 resolves `&lt;` `&gt;`
    /// `&amp;` `&quot;` `&apos;` and character references itself, before asking us).
    mutating func entity(parameter: Bool) {
        let what = parameter ? "parameter entities" : "entity references"
        self.fail(.entityForbidden, "\(what) are not allowed")
    }

    /// libxml2's structured error callback. Warnings are ignored; anything worse is fatal for us.
    /// We only record it: libxml2 disables SAX after a fatal error itself, and stopping the parser
    /// from inside its error reporting is not safe in 2.9 (the reporting code may still read input).
    mutating func libraryError(_ error: xmlError) {
        guard error.level.rawValue >= XML_ERR_ERROR.rawValue, self.error == nil else { return }
        self.error = LibXML2Errors.translate(error, depth: self.stack.count)
    }

    // MARK: Helpers

    private mutating func flushText() -> Bool {
        guard !self.pendingText.isEmpty else { return true }
        guard self.count(1) else { return false }
        var text = ""
        swap(&text, &self.pendingText)  // a move, not a copy
        self.appendChild(.text(text))
        return true
    }

    /// Starts a children array at capacity 4: growing from 1 to 2 to 4 costs a malloc, copy and
    /// free each time, and most elements with more than one child have several.
    @inline(__always)
    private mutating func appendChild(_ node: XMLNode) {
        let top = self.stack.count - 1
        if self.stack[top].children.isEmpty {
            self.stack[top].children.reserveCapacity(4)
        }
        self.stack[top].children.append(node)
    }

    private mutating func count(_ nodes: Int) -> Bool {
        self.nodeCount += nodes
        if self.nodeCount > self.limits.maxNodes {
            self.fail(.tooManyNodes, "more than \(self.limits.maxNodes) nodes")
            return false
        }
        return true
    }

    private mutating func fail(_ code: XMLError.Code, _ message: String) {
        if self.error == nil {
            var line: Int?
            var column: Int?
            if let input = self.context?.pointee.input {
                line = Int(input.pointee.line)
                column = Int(input.pointee.col)
            }
            self.error = XMLError(code, message, line: line, column: column)
        }
        self.stop()
    }

    private func stop() {
        // Empties the input and sets instate = EOF; libxml2 checks for that after each callback.
        if let context = self.context {
            xmlStopParser(context)
        }
    }
}

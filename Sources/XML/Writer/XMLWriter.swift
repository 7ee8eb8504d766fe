/// Builds XML text, validating names and escaping all character data.
///
/// The writer knows nothing about namespaces: the caller picks prefixes and declares them as
/// ordinary attributes (`("xmlns:soap", "http://schemas.xmlsoap.org/soap/envelope/")`).
/// A method that throws leaves the writer unchanged. The writer can also build fragments
/// (several top-level elements, no declaration) for ``raw(_:)``; it only enforces that every
/// `start` is matched by an `end`.
///
/// ```swift
/// var writer = XMLWriter()
/// try writer.start("soap:Envelope", attributes: [("xmlns:soap", soapNamespace)])
/// try writer.element("soap:Body", text: payload)
/// try writer.end()
/// let xml = try writer.finish()
/// ```
public struct XMLWriter: Sendable {
    private var output: [UInt8] = []
    private var open: [String] = []

    /// - Parameter declaration: start with `<?xml version="1.0" encoding="UTF-8"?>`.
    public init(declaration: Bool = true) {
        self.output.reserveCapacity(1024)
        if declaration {
            self.output.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        }
    }

    /// Writes a start tag. The name and attribute names must be QNames (Namespaces in XML 1.0
    /// §4; `xmlns` and `xmlns:p` included) and attribute names unique (XML 1.0 §3.1);
    /// otherwise ``XMLError/Code/malformed``. Values are escaped.
    public mutating func start(
        _ qualifiedName: String,
        attributes: [(name: String, value: String)] = []
    ) throws(XMLError) {
        try self.startTag(qualifiedName, attributes)
        self.output.append(UInt8(ascii: ">"))
        self.open.append(qualifiedName)
    }

    /// Writes character data, escaped. Characters XML 1.0 cannot carry (U+0000–U+0008, U+000B,
    /// U+000C, U+000E–U+001F, U+FFFE, U+FFFF) are refused with ``XMLError/Code/invalidCharacter``.
    public mutating func text(_ value: String) throws(XMLError) {
        let mark = self.output.count
        do {
            try XMLEscaper.append(value, to: &self.output, .text, .refuse)
        } catch {
            self.output.removeSubrange(mark...)
            throw error
        }
    }

    /// Closes the innermost open element; ``XMLError/Code/malformed`` when none is open.
    public mutating func end() throws(XMLError) {
        guard let name = self.open.popLast() else {
            throw XMLError(.malformed, "end() without a matching start()")
        }
        self.output.append(contentsOf: "</".utf8)
        self.output.append(contentsOf: name.utf8)
        self.output.append(UInt8(ascii: ">"))
    }

    /// Writes a whole element holding only text (`<name/>` when the text is empty).
    public mutating func element(
        _ qualifiedName: String,
        text: String,
        attributes: [(name: String, value: String)] = []
    ) throws(XMLError) {
        let mark = self.output.count
        do {
            try self.startTag(qualifiedName, attributes)
            if text.isEmpty {
                self.output.append(contentsOf: "/>".utf8)
                return
            }
            self.output.append(UInt8(ascii: ">"))
            try XMLEscaper.append(text, to: &self.output, .text, .refuse)
        } catch {
            self.output.removeSubrange(mark...)
            throw error
        }
        self.output.append(contentsOf: "</".utf8)
        self.output.append(contentsOf: qualifiedName.utf8)
        self.output.append(UInt8(ascii: ">"))
    }

    /// Appends `trustedXML` exactly as given — NO validation, NO escaping.
    ///
    /// ⚠️ Only for fragments that our own code produced (typically another `XMLWriter` or
    /// ``XMLElement/serialized(declaration:)``). Never pass anything that contains data from a
    /// request, an upstream response, configuration or any other outside source: that is XML
    /// injection. Use ``text(_:)`` or ``element(_:text:attributes:)`` for data.
    public mutating func raw(_ trustedXML: String) {
        self.output.append(contentsOf: trustedXML.utf8)
    }

    /// The XML text; ``XMLError/Code/malformed`` while elements are still open.
    public func finish() throws(XMLError) -> String {
        guard self.open.isEmpty else {
            throw XMLError(.malformed, "\(self.open.count) element(s) still open, innermost <\(self.open.last!)>")
        }
        return String(decoding: self.output, as: UTF8.self)
    }

    /// Validates everything first, then writes `<name attr="value"…` (no closing `>`).
    private mutating func startTag(_ name: String, _ attributes: [(name: String, value: String)]) throws(XMLError) {
        guard XMLNameSyntax.isQName(name) else {
            throw XMLError(.malformed, "invalid element name \(Self.quoted(name))")
        }
        for (index, attribute) in attributes.enumerated() {
            guard XMLNameSyntax.isQName(attribute.name) else {
                throw XMLError(.malformed, "invalid attribute name \(Self.quoted(attribute.name))")
            }
            // Attribute lists are short; a quadratic check beats allocating a Set.
            for earlier in attributes[..<index] where earlier.name == attribute.name {
                throw XMLError(.malformed, "duplicate attribute \(Self.quoted(attribute.name))")
            }
        }
        let mark = self.output.count
        self.output.append(UInt8(ascii: "<"))
        self.output.append(contentsOf: name.utf8)
        for attribute in attributes {
            self.output.append(UInt8(ascii: " "))
            self.output.append(contentsOf: attribute.name.utf8)
            self.output.append(contentsOf: "=\"".utf8)
            do {
                try XMLEscaper.append(attribute.value, to: &self.output, .attribute, .refuse)
            } catch {
                self.output.removeSubrange(mark...)
                throw error
            }
            self.output.append(UInt8(ascii: "\""))
        }
    }

    /// For error messages: Swift-escaped and shortened, so odd names cannot flood logs.
    private static func quoted(_ name: String) -> String {
        String(name.prefix(64).debugDescription)
    }
}

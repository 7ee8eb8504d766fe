extension XMLElement {
    /// This element and its descendants as XML text, with namespace declarations generated:
    /// the default namespace for this element's namespace, `ns1`, `ns2`… for the others.
    /// Everything is escaped; see `TreeSerializer` for the details. Parsing the result with
    /// ``HardenedXMLParser`` gives back an equal tree (for trees the parser can produce).
    ///
    /// - Parameter declaration: start with `<?xml version="1.0" encoding="UTF-8"?>`.
    public func serialized(declaration: Bool = false) -> String {
        TreeSerializer.serialize(self, declaration: declaration)
    }
}

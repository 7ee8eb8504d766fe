import CXML2

/// Process-wide libxml2 set-up, done once before the first parse.
enum LibXML2Setup {
    /// Swift initializes `static let`s lazily and exactly once, thread-safely (`swift_once`),
    /// which is what `xmlInitParser()` needs: it is not safe to race with itself.
    private static let done: Void = {
        xmlInitParser()
        // "No external entity loading, even by accident": whatever any code in this process
        // later asks libxml2 to parse (a DTD, an external parsed entity, XInclude…), the loader
        // that would open the file or URL refuses. libxml2 2.9.14 has no XML_PARSE_NO_XXE, and
        // XML_PARSE_NONET does not cover file:// (CWE-611). Our parser never gets this far anyway:
        // it stops at the DOCTYPE. The loader is a global hook, so this is process-wide on purpose.
        xmlSetExternalEntityLoader(refuseExternalEntity)
    }()

    static func ensure() {
        _ = self.done
    }
}

/// An `xmlExternalEntityLoader` that never opens anything. Returning NULL makes libxml2 report
/// "failed to load external entity" and carry on without the entity's content.
private func refuseExternalEntity(
    _ url: UnsafePointer<CChar>?,
    _ publicID: UnsafePointer<CChar>?,
    _ context: xmlParserCtxtPtr?
) -> xmlParserInputPtr? {
    nil
}

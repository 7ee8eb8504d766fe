/// The prefixes `TreeSerializer` gives to namespaces: `ns1`, `ns2`, … in order of first
/// appearance, except the reserved `xml` prefix for the XML namespace (Namespaces in XML 1.0 §3).
struct NamespacePrefixes {
    static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"

    /// (namespace, prefix) in declaration order.
    private(set) var declarations: [(namespace: String, prefix: String)] = []
    private var byNamespace: [String: String] = [:]
    /// A document uses a handful of namespaces, and the strings for one namespace usually share
    /// storage (the parser interns them), which compares in constant time: scanning a few
    /// recent entries beats hashing a long URI on every element and attribute.
    private var recent: [(namespace: String, prefix: String)] = []

    /// "No namespace" for nil and for the empty string.
    static func namespace(of name: XMLName) -> String? {
        guard let namespace = name.namespace, !namespace.isEmpty else { return nil }
        return namespace
    }

    mutating func prefix(for namespace: String) -> String {
        for entry in self.recent where entry.namespace == namespace {
            return entry.prefix
        }
        let prefix: String
        if namespace == Self.xmlNamespace {
            prefix = "xml"
        } else if let known = self.byNamespace[namespace] {
            prefix = known
        } else {
            prefix = "ns\(self.declarations.count + 1)"
            self.byNamespace[namespace] = prefix
            self.declarations.append((namespace, prefix))
        }
        if self.recent.count < 8 {
            self.recent.append((namespace, prefix))
        }
        return prefix
    }
}

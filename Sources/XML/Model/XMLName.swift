/// An expanded name (Namespaces in XML 1.0 §1): a namespace name and a local part.
///
/// Prefixes are deliberately not part of the model: they are syntax, and a SOAP peer may pick any
/// prefix (or the default namespace) for the same element. Compare by namespace + local name.
public struct XMLName: Hashable, Sendable, CustomStringConvertible {
    /// The namespace name (a URI), or nil for "no namespace".
    public var namespace: String?
    /// The local part (an NCName).
    public var local: String

    public init(_ local: String, namespace: String? = nil) {
        self.local = local
        self.namespace = namespace
    }

    /// Clark notation, `{namespace}local`, or just `local` without a namespace.
    public var description: String {
        if let namespace = self.namespace {
            return "{\(namespace)}\(self.local)"
        }
        return self.local
    }
}

extension XMLName {
    /// For the query helpers of ``XMLElement``: `namespace: nil` matches any namespace.
    func matches(_ local: String, _ namespace: String?) -> Bool {
        self.local == local && (namespace == nil || self.namespace == namespace)
    }
}

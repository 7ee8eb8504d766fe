import XML

extension SOAPEnvelope {
    /// The header blocks addressed to this node, marked `mustUnderstand`, that it does not
    /// understand (SOAP 1.1 §4.2.3, SOAP 1.2 part 1 §5.2.3): processing must stop with a
    /// MustUnderstand fault. A block is addressed to this node when it names no actor/role,
    /// or the "next" one (or, in 1.2, "ultimateReceiver"); a block for another role, or for
    /// 1.2's "none", is not this node's to understand.
    public func notUnderstoodBlocks(understood: Set<XMLName>) -> [XMLName] {
        guard let header else { return [] }
        let namespace = version.envelopeNamespace
        return header.elements.filter { block in
            guard !understood.contains(block.name) else { return false }
            guard let flag = block.attributes.first(where: { $0.name == XMLName("mustUnderstand", namespace: namespace) }) else { return false }
            let value = flag.value.trimmingCharacters(in: .whitespaces)
            guard value == "1" || (version == .v1_2 && value == "true") else { return false }
            let target = block.attributes.first { $0.name == XMLName(version == .v1_1 ? "actor" : "role", namespace: namespace) }?.value
            return target.map { Self.addressedToThisNode($0, version: version) } ?? true
        }.map(\.name)
    }

    private static func addressedToThisNode(_ target: String, version: SOAPVersion) -> Bool {
        switch version {
        case .v1_1: target == "http://schemas.xmlsoap.org/soap/actor/next"
        case .v1_2: target == "http://www.w3.org/2003/05/soap-envelope/role/next" || target == "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver"
        }
    }
}

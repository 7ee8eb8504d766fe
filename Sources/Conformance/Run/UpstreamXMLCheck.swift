import XML

/// Judges what a SOAP bridge sent upstream for a case: well-formed XML (parsed as strictly as
/// the bridge should parse, so no DTD either), none of the elements or attributes an injected
/// value would have made, and the hostile text present as character data, escaped rather than
/// dropped.
struct UpstreamXMLCheck {
    let expectation: Expectation.UpstreamXML

    init(_ expectation: Expectation.UpstreamXML) {
        self.expectation = expectation
    }

    /// What is wrong with `body`, or nil.
    func problem(_ body: [UInt8]) -> String? {
        let root: XMLElement
        do {
            root = try HardenedXMLParser.parse(body)
        } catch {
            return "the upstream received XML that does not parse: \(error)"
        }
        var texts: [String] = []
        var stack = [root]
        while let element = stack.popLast() {
            if expectation.noElements.contains(element.name.local) {
                return "the upstream received an element <\(element.name.local)>: a value became markup"
            }
            for attribute in element.attributes {
                if expectation.noAttributes.contains(attribute.name.local) {
                    return "the upstream received an attribute \(attribute.name.local)= on <\(element.name.local)>: a value became markup"
                }
                texts.append(attribute.value)
            }
            texts.append(element.text)
            stack.append(contentsOf: element.elements)
        }
        for wanted in expectation.texts where !texts.contains(where: { $0.contains(wanted) }) {
            return "the upstream received no text holding '\(wanted)': the value was dropped or altered"
        }
        return nil
    }
}

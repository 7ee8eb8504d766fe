import JSON
import SOAPBridge
import Testing
import XML

/// Maps `json` into `<op>…</op>` and returns the XML text (no declaration).
func mapToXML(_ json: String, _ mapping: RequestMapping = RequestMapping()) throws -> String {
    var writer = XMLWriter(declaration: false)
    try writer.start("op")
    try JSONToXML.writeMembers(ofJSON: Array(json.utf8), mapping: mapping, into: &writer)
    try writer.end()
    return try writer.finish()
}

/// Maps `json` into `<op>…</op>` and parses the result back with the hardened parser.
func mapToTree(_ json: String, _ mapping: RequestMapping = RequestMapping()) throws -> XMLElement {
    try HardenedXMLParser.parse(Array(try mapToXML(json, mapping).utf8))
}

/// The `MappingError` that `json` is refused with, or nil when it is accepted.
func mappingError(_ json: String, _ mapping: RequestMapping = RequestMapping()) -> MappingError? {
    var writer = XMLWriter(declaration: false)
    do {
        try writer.start("op")
    } catch {
        Issue.record("writer: \(error)")
        return nil
    }
    do {
        try JSONToXML.writeMembers(ofJSON: Array(json.utf8), mapping: mapping, into: &writer)
        return nil
    } catch {
        return error
    }
}

func parseXML(_ xml: String) throws -> XMLElement {
    try HardenedXMLParser.parse(Array(xml.utf8))
}

/// The `MappingError` `select` throws, or nil.
func selectError(_ mapping: ResponseMapping, _ xml: String) throws -> MappingError? {
    let element = try parseXML(xml)
    do {
        _ = try XMLToJSON.select(mapping, from: element)
        return nil
    } catch {
        return error
    }
}

/// Child element local names in document order.
func childNames(_ element: XMLElement) -> [String] {
    element.elements.map(\.name.local)
}

/// Decodes RFC 4648 base64 (test-side, independent of the encoder under test).
func decodeBase64(_ text: String) -> [UInt8]? {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var bits: UInt32 = 0
    var count = 0
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    guard bytes.count % 4 == 0 else { return nil }
    for byte in bytes {
        if byte == UInt8(ascii: "=") { break }
        guard let value = alphabet.firstIndex(of: byte) else { return nil }
        bits = bits << 6 | UInt32(value)
        count += 6
        if count >= 8 {
            count -= 8
            out.append(UInt8(truncatingIfNeeded: bits >> UInt32(count)))
        }
    }
    return out
}

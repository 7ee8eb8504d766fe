import Foundation
import XML

/// Parses a Swift string as UTF-8.
func parse(_ xml: String, limits: XMLLimits = .init()) throws(XMLError) -> XMLElement {
    try HardenedXMLParser.parse(Array(xml.utf8), limits: limits)
}

/// The error a parse throws, or nil when it succeeds.
func parseError(_ bytes: [UInt8], limits: XMLLimits = .init()) -> XMLError? {
    do {
        _ = try HardenedXMLParser.parse(bytes, limits: limits)
        return nil
    } catch {
        return error
    }
}

func parseError(_ xml: String, limits: XMLLimits = .init()) -> XMLError? {
    parseError(Array(xml.utf8), limits: limits)
}

/// The error a writer operation throws, or nil.
func writerError(_ body: () throws(XMLError) -> Void) -> XMLError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// Wall-clock time of `body`, for the "refused in milliseconds" checks. The bounds used with it
/// are orders of magnitude above the measured times, so they only catch pathological behaviour.
func elapsed(_ body: () -> Void) -> Duration {
    let start = ContinuousClock.now
    body()
    return ContinuousClock.now - start
}

/// `<a><a>…</a></a>` nested `depth` levels.
func nested(_ depth: Int) -> String {
    String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
}

/// UTF-16 with a byte-order mark.
func utf16(_ text: String, bigEndian: Bool) -> [UInt8] {
    var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
    for unit in text.utf16 {
        let high = UInt8(unit >> 8)
        let low = UInt8(unit & 0xFF)
        bytes += bigEndian ? [high, low] : [low, high]
    }
    return bytes
}

/// Resident set size of this process, from /proc/self/statm (Linux).
func residentBytes() -> Int? {
    guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
    let fields = statm.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

enum Namespaces {
    static let soap11 = "http://schemas.xmlsoap.org/soap/envelope/"
    static let soap12 = "http://www.w3.org/2003/05/soap-envelope"
    static let xsi = "http://www.w3.org/2001/XMLSchema-instance"
    static let xml = "http://www.w3.org/XML/1998/namespace"
    static let service = "urn:example:orders"
}

enum Fixtures {
    static let soap11 = """
        <?xml version="1.0" encoding="UTF-8"?>
        <soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
          <soapenv:Header>
            <auth:Token xmlns:auth="urn:example:auth" soapenv:mustUnderstand="1">abc</auth:Token>
          </soapenv:Header>
          <soapenv:Body>
            <GetOrderResponse xmlns="urn:example:orders">
              <order id="42" xsi:type="Order">
                <batchName>Q1 &amp; Q2</batchName>
                <total currency="EUR">12.50</total>
                <note/>
              </order>
            </GetOrderResponse>
          </soapenv:Body>
        </soapenv:Envelope>
        """

    static let soap12Fault = """
        <?xml version="1.0"?>
        <Envelope xmlns="http://www.w3.org/2003/05/soap-envelope">
          <Body>
            <Fault>
              <Code><Value>Sender</Value></Code>
              <Reason><Text xml:lang="en">Bad &quot;order&quot;</Text></Reason>
            </Fault>
          </Body>
        </Envelope>
        """

    /// A ~4 KB SOAP response with the usual mix of namespaces, attributes and text.
    static func soapResponse(items: Int = 24) -> String {
        var body = ""
        for index in 0..<items {
            body += """
                  <ns2:item id="\(index)" xsi:type="ns2:Item">
                    <ns2:sku>SKU-\(index)-ÄÖÜ</ns2:sku><ns2:quantity>\(index * 3)</ns2:quantity>
                    <ns2:price currency="EUR">\(index).99</ns2:price>
                  </ns2:item>

                """
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:ns2="urn:example:orders">
              <soap:Body>
                <ns2:listItemsResponse>
            \(body)    </ns2:listItemsResponse>
              </soap:Body>
            </soap:Envelope>
            """
    }
}

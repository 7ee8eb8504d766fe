// The SOAP bridge's translation alone, per request, against Foundation's own JSON and XML
// parsers on the same bytes in the same run: JSON→XML of a ~2 KB body into a SOAP envelope,
// the hardened parse of a ~4 KB SOAP response, and its XML→JSON field selection.
// Target: the three together ≤ 50 µs.
//
//   swift run -c release oms-bench-translation [iterations]
//
// The request's transactionData (a JSON object) is base64: it is validated but never built
// into a tree. The response is getBatchErrors with 32 errors, the element-heaviest answer of
// the four routes at this size (a preview of the same size is one long base64 text).
import Foundation
import FoundationXML
import SOAP
import SOAPBridge
import XML

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 3_000
let rounds = 5

// A ~2 KB request body and a ~4 KB response envelope (getBatchErrors with 32 errors).
let records = (0..<37).map { "{\"customer\":\($0),\"name\":\"Customer \($0)\",\"amount\":12.\($0 % 10)0}" }.joined(separator: ",")
let body = Array("{\"batchConfigResID\":7001,\"batchName\":\"bench\",\"projectID\":12,\"jobType\":\"BATCH\",\"priority\":5,\"transactionData\":{\"records\":[\(records)]},\"properties\":{\"correlationId\":\"bench-1\"}}".utf8)
let errors = (0..<32).map { "<errors><code>TH-21\($0 % 10)1</code><message>transaction \($0) rejected by rule \($0)</message><transaction>\($0)</transaction></errors>" }.joined()
let response = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?><env:Envelope xmlns:env=\"http://schemas.xmlsoap.org/soap/envelope/\"><env:Body><tns:getBatchErrorsResponse xmlns:tns=\"http://jobapi.ws.thunderhead.com/\"><return><batchId>1000</batchId>\(errors)</return></tns:getBatchErrorsResponse></env:Body></env:Envelope>".utf8)
let mapping = RequestMapping(
    order: ["batchConfigResID", "batchName", "projectID", "jobType", "priority", "transactionData", "transactionRange", "properties"],
    required: ["batchConfigResID", "batchName", "projectID", "transactionData"],
    base64: ["transactionData"], entries: ["properties": EntryShape(key: "name", value: "value")]
)
let fields = ResponseMapping(fields: [
    ResponseField("batchId", path: ["return", "batchId"]),
    ResponseField("errors", path: ["return", "errors"], each: [
        ResponseField("code", path: ["code"]), ResponseField("message", path: ["message"]), ResponseField("transaction", path: ["transaction"]),
    ]),
])

func request() -> Bool {
    // As the bridge writes it: the wrapper straight into the envelope's open Body.
    do {
        var writer = try SOAPEnvelope.open(version: .v1_1, security: nil)
        try writer.start("tns:submitBatch", attributes: [("xmlns:tns", "http://jobapi.ws.thunderhead.com/")])
        try writer.start("request")
        try JSONToXML.writeMembers(ofJSON: body, mapping: mapping, into: &writer)
        try writer.end()
        try writer.end()
        return try !SOAPEnvelope.close(&writer).isEmpty
    } catch {
        return false
    }
}

func membersOnly() -> Bool {
    var writer = XMLWriter(declaration: false)
    return (try? JSONToXML.writeMembers(ofJSON: body, mapping: mapping, into: &writer)) != nil
}

func parse() -> XML.XMLElement? { try? SOAPEnvelope.parse(response).payload }
let parsed = parse()!
func select() -> Bool { (try? XMLToJSON.select(fields, from: parsed)) != nil }

// Baselines: Foundation reading the same bytes (no mapping at all).
func foundationJSON() -> Bool { (try? JSONSerialization.jsonObject(with: Data(body))) != nil }
final class Counter: NSObject, XMLParserDelegate {
    var elements = 0
    func parser(_ parser: XMLParser, didStartElement: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) { elements += 1 }
}
func foundationXML() -> Bool {
    let parser = XMLParser(data: Data(response))
    let counter = Counter()
    parser.delegate = counter
    return parser.parse() && counter.elements > 0
}

func microseconds(_ work: () -> Bool) -> Double {
    let start = ContinuousClock.now
    for _ in 0..<iterations { precondition(work(), "a step failed during the benchmark") }
    let (seconds, attoseconds) = (ContinuousClock.now - start).components
    return (Double(seconds) * 1e6 + Double(attoseconds) / 1e12) / Double(iterations)
}

func median(_ work: () -> Bool) -> Double {
    (0..<rounds).map { _ in microseconds(work) }.sorted()[rounds / 2]
}

// ONLY=members|parse|select runs just that step, for a profiler:
//   ONLY=parse perf record -g .build/release/oms-bench-translation 30000
if let only = ProcessInfo.processInfo.environment["ONLY"] {
    let step: () -> Bool
    switch only {
    case "members": step = membersOnly
    case "parse": step = { parse() != nil }
    case "select": step = select
    default: fatalError("ONLY must be members, parse or select")
    }
    for _ in 0..<iterations { _ = step() }
    exit(0)
}
let members = median(membersOnly)
let jsonToXML = median(request), xmlParse = median { parse() != nil }, xmlToJSON = median(select)
let baselineJSON = median(foundationJSON), baselineXML = median(foundationXML)
print("SOAP bridge translation (\(body.count) B JSON request, \(response.count) B SOAP response; \(rounds) rounds × \(iterations), median)")
print(String(format: "JSON→XML request + envelope   %7.1f µs   (Foundation JSONSerialization parse only: %5.1f µs, ratio %.2f×)", jsonToXML, baselineJSON, jsonToXML / baselineJSON))
print(String(format: "  of which JSON→XML members     %7.1f µs", members))
print(String(format: "hardened parse of the answer  %7.1f µs   (Foundation XMLParser, no tree: %5.1f µs, ratio %.2f×)", xmlParse, baselineXML, xmlParse / baselineXML))
print(String(format: "XML→JSON field selection      %7.1f µs", xmlToJSON))
print(String(format: "translation per request       %7.1f µs   (target ≤ 50 µs)", jsonToXML + xmlParse + xmlToJSON))

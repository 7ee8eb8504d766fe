import Foundation
import XML

/// The JobAPI operations of the WSDL, answered with plausible behaviour: the four of the
/// published JobAPI, and `findBatches` (batches by name, newest first), which the published
/// one lacks and the core's recovery asks for (see the README's "Submission recovery").
struct ThunderheadJobAPI: Sendable {
    static let namespace = "http://jobapi.ws.thunderhead.com/"
    static let operations = ["submitBatch", "executePreview", "getBatchStatus", "getBatchErrors", "findBatches"]

    let batches: ThunderheadBatches

    /// Writes the operation's response wrapper into an open SOAP Body.
    typealias BodyWriter = @Sendable (inout XMLWriter) throws(XMLError) -> Void

    func answer(_ payload: XMLElement) throws(JobAPIFault) -> BodyWriter {
        guard payload.name.namespace == Self.namespace, Self.operations.contains(payload.name.local) else {
            throw .invalid("TH-1000", "unknown operation {\(payload.name.namespace ?? "")}\(payload.name.local)")
        }
        switch payload.name.local {
        case "submitBatch":
            let request = try JobRequest(payload)
            let id = batches.create(name: request.batchName, fails: request.asksToFail, correlationId: request.properties["correlationId"], transactions: request.transactions)
            return { (writer: inout XMLWriter) throws(XMLError) in
                try writer.start("tns:submitBatchResponse", attributes: [("xmlns:tns", Self.namespace)])
                try writer.element("return", text: String(id))
                try writer.end()
            }
        case "executePreview":
            let request = try JobRequest(payload)
            let pdf = Data(PreviewPDF.make(title: request.batchName, data: Array(request.transactionData))).base64EncodedString()
            return { (writer: inout XMLWriter) throws(XMLError) in
                try writer.start("tns:executePreviewResponse", attributes: [("xmlns:tns", Self.namespace)])
                try writer.start("return")
                if request.asksToFail {
                    // A 200 that carries an error: callers must not mistake it for success.
                    try Self.writeMessage(&writer, type: "ERROR", code: "TH-3001", message: "render failed for transaction 1")
                } else {
                    try writer.start("masterChannels")
                    try writer.element("channelName", text: "PRINT")
                    try writer.element("formatString", text: "application/pdf")
                    try writer.element("data", text: pdf)
                    try writer.end()
                    try Self.writeMessage(&writer, type: "INFO", code: "TH-0000", message: "preview rendered")
                }
                try writer.end()
                try writer.end()
            }
        case "findBatches":
            guard let name = payload.first("batchName")?.text, !name.isEmpty else { throw .invalid("TH-1011", "batchName is required") }
            let found = batches.named(name).map { ($0, batches.status(of: $0)) }
            return { (writer: inout XMLWriter) throws(XMLError) in
                try writer.start("tns:findBatchesResponse", attributes: [("xmlns:tns", Self.namespace)])
                try writer.start("return")
                for (batch, status) in found {
                    try writer.start("batches")
                    try writer.element("batchId", text: String(batch.id))
                    try writer.element("batchName", text: batch.name)
                    try writer.element("status", text: status.state)
                    try writer.end()
                }
                try writer.end()
                try writer.end()
            }
        case "getBatchStatus":
            let batch = try batch(payload)
            let status = batches.status(of: batch)
            return { (writer: inout XMLWriter) throws(XMLError) in
                try writer.start("tns:getBatchStatusResponse", attributes: [("xmlns:tns", Self.namespace)])
                try writer.start("return")
                try writer.element("batchId", text: String(batch.id))
                try writer.element("status", text: status.state)
                try writer.element("statusText", text: status.text)
                if let correlation = batch.correlationId { try writer.element("correlationId", text: correlation) }
                try writer.end()
                try writer.end()
            }
        default:  // getBatchErrors
            let batch = try batch(payload)
            let failed = batches.status(of: batch).state == "FAILED"
            return { (writer: inout XMLWriter) throws(XMLError) in
                try writer.start("tns:getBatchErrorsResponse", attributes: [("xmlns:tns", Self.namespace)])
                try writer.start("return")
                try writer.element("batchId", text: String(batch.id))
                if failed {
                    try writer.start("errors")
                    try writer.element("code", text: "TH-2101")
                    try writer.element("message", text: "transaction rejected: the data asked to FAIL")
                    try writer.element("transaction", text: "1")
                    try writer.end()
                }
                try writer.end()
                try writer.end()
            }
        }
    }

    private func batch(_ payload: XMLElement) throws(JobAPIFault) -> ThunderheadBatches.Batch {
        guard let text = payload.first("batchId")?.text, let id = Int64(text.trimmingCharacters(in: .whitespaces)) else {
            throw .invalid("TH-1010", "batchId must be a number")
        }
        guard let batch = batches.batch(id) else { throw .invalid("TH-2010", "no batch \(id)") }
        return batch
    }

    private static func writeMessage(_ writer: inout XMLWriter, type: String, code: String, message: String) throws(XMLError) {
        try writer.start("jobMessages")
        try writer.element("type", text: type)
        try writer.element("code", text: code)
        try writer.element("message", text: message)
        try writer.end()
    }
}

import Foundation
import XML

/// `ExternalJobRequestAPI`, read from a submitBatch or executePreview wrapper and checked
/// the way the JobAPI checks it.
struct JobRequest: Sendable {
    let batchConfigResID: Int64
    let batchName: String
    let projectID: Int64
    let jobType: String?
    let priority: Int?
    let transactionData: Data
    let properties: [String: String]

    init(_ wrapper: XMLElement) throws(JobAPIFault) {
        guard let request = wrapper.first("request") else { throw .invalid("TH-1001", "the request element is missing") }
        func text(_ name: String) -> String? { request.first(name).map { Self.trimmed($0.text) } }
        guard let config = text("batchConfigResID").flatMap({ Int64($0) }) else { throw .invalid("TH-1002", "batchConfigResID must be a number") }
        guard let name = text("batchName"), !name.isEmpty else { throw .invalid("TH-1003", "batchName is required") }
        guard let project = text("projectID").flatMap({ Int64($0) }) else { throw .invalid("TH-1004", "projectID must be a number") }
        guard let encoded = text("transactionData"), let data = Data(base64Encoded: encoded) else {
            throw .invalid("TH-1005", "transactionData must be base64")
        }
        var priority: Int?
        if let value = text("priority") {
            guard let number = Int(value) else { throw .invalid("TH-1006", "priority must be a number") }
            // A well-formed request the business rules refuse.
            guard (1...9).contains(number) else { throw .invalid("TH-2001", "priority must be between 1 and 9") }
            priority = number
        }
        var properties: [String: String] = [:]
        for property in request.all("properties") {
            guard let key = property.first("name")?.text, !key.isEmpty else { throw .invalid("TH-1007", "every property needs a name") }
            properties[key] = property.first("value")?.text ?? ""
        }
        batchConfigResID = config
        batchName = name
        projectID = project
        jobType = text("jobType")
        self.priority = priority
        transactionData = data
        self.properties = properties
    }

    /// The emulator's failure switch: transaction data containing the word FAIL.
    var asksToFail: Bool { transactionData.firstRange(of: Array("FAIL".utf8)) != nil }

    /// One transaction per non-empty line of the data (at least one).
    var transactions: Int {
        max(1, transactionData.split(separator: UInt8(ascii: "\n")).count)
    }

    /// Without leading and trailing XML whitespace (the schema types' `collapse`), on bytes:
    /// Foundation's trimming walks UTF-16 and was most of the emulator's time per request.
    static func trimmed(_ text: String) -> String {
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return text }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(text[start...end])
    }
}

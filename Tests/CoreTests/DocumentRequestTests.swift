import Core
import EdgeRuntime
import Foundation
import Testing

@Suite struct DocumentRequestTests {
    private func parse(_ text: String) throws(APIError) -> DocumentRequest {
        try DocumentRequest(json: Array(text.utf8))
    }

    @Test func theShapeIsKeptAsSent() throws {
        let request = try parse(#" { "source": "crm", "documentType": "invoice", "data": { "amount": 12.10, "lines": [ 1, 2 ] }, "recipient": {"email": "a@b"}, "correlationId": "c-1" } "#)
        #expect(request.source == "crm")
        #expect(request.documentType == "invoice")
        #expect(request.data == #"{"amount":12.10,"lines":[1,2]}"#)
        #expect(request.recipient == #"{"email":"a@b"}"#)
        #expect(request.correlationId == "c-1")
        #expect(request.canonicalBody == #"{"source":"crm","documentType":"invoice","data":{"amount":12.10,"lines":[1,2]},"recipient":{"email":"a@b"},"correlationId":"c-1"}"#)
        let minimal = try parse(#"{"source":"s","documentType":"t","data":{},"recipient":null,"correlationId":null}"#)
        #expect(minimal.recipient == nil && minimal.correlationId == nil)
    }

    @Test(arguments: [
        ("", "invalid_json"), ("{", "invalid_json"), ("[]", "invalid_request"), ("\"x\"", "invalid_request"),
        (#"{"source":"s","documentType":"t","data":{},"data":{}}"#, "invalid_json"),
        (#"{"documentType":"t","data":{}}"#, "invalid_request"),
        (#"{"source":"s","data":{}}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t"}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":[1]}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":"x"}"#, "invalid_request"),
        (#"{"source":1,"documentType":"t","data":{}}"#, "invalid_request"),
        (#"{"source":"a b","documentType":"t","data":{}}"#, "invalid_request"),
        (#"{"source":"a/b","documentType":"t","data":{}}"#, "invalid_request"),
        (#"{"source":"","documentType":"t","data":{}}"#, "invalid_request"),
        // `.` would make the core ask refdata for /sources/. — the list endpoint, once normalised.
        (#"{"source":".","documentType":"t","data":{}}"#, "invalid_request"),
        (#"{"source":"s","documentType":"..","data":{}}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":{},"recipient":"x"}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":{},"correlationId":7}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":{},"correlationId":""}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":{},"correlationId":"a\u0007b"}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":{},"priority":1}"#, "invalid_request"),
        (#"{"source":"s","documentType":"t","data":{"x":01}}"#, "invalid_json"),
        (#"{"source":"s","documentType":"t","data":{}} x"#, "invalid_json"),
    ])
    func hostileBodies(_ text: String, _ code: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.code == code, "\(text): \(error.message)")
            #expect(error.status == .badRequest)
        }
    }

    @Test func unknownMembersAreNamed() {
        #expect(throws: APIError.self) { try parse(#"{"source":"s","documentType":"t","data":{},"sorce":"x"}"#) }
        do {
            _ = try parse(#"{"source":"s","documentType":"t","data":{},"sorce":"x"}"#)
        } catch {
            #expect(error.message.contains("\"sorce\""))
        }
        let deep = "{\"source\":\"s\",\"documentType\":\"t\",\"data\":" + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "}"
        #expect(throws: APIError.self) { try parse(deep) }
    }

    @Test func requestIDsSortByTime() {
        let early = RequestID.make(nowMs: 1_700_000_000_000)
        let later = RequestID.make(nowMs: 1_700_000_000_001)
        #expect(RequestID.isValid(early) && RequestID.isValid(later))
        #expect(early < later)
        #expect(early.hasPrefix("018bcfe5-6800-7"))
        #expect(Set((0..<1000).map { _ in RequestID.make(nowMs: 1) }).count == 1000)
        for bad in ["", "018bcfe5-6800-7000-8000-00000000000", "018BCFE5-6800-7000-8000-000000000000", "018bcfe5x6800-7000-8000-000000000000", "../../etc/passwd"] {
            #expect(!RequestID.isValid(bad), "\(bad)")
        }
    }
}

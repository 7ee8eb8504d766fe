import Curl
import JSON

/// An HTTP answer from a role under test, its body parsed as JSON when it is JSON.
public struct JSONAnswer: Sendable {
    public let status: Int
    public let headers: [(name: String, value: String)]
    public let body: JSONValue?
    public let text: String

    public init(status: Int, headers: [(name: String, value: String)], body: JSONValue?, text: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.text = text
    }

    /// From a raw answer: its body parsed when it is JSON.
    public init(_ response: CurlResponse) {
        self.init(status: response.status, headers: response.headers, body: try? StrictJSON.parse(response.body), text: String(decoding: response.body, as: UTF8.self))
    }

    public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
}

extension CurlClient {
    /// `method path` on 127.0.0.1:`port`, with `json` as an application/json body.
    public func call(port: Int, _ method: String, _ path: String, json: String? = nil, headers: [(name: String, value: String)] = []) async throws -> JSONAnswer {
        let response = try await execute(CurlRequest(
            url: "http://127.0.0.1:\(port)\(path)", method: method,
            headers: (json == nil ? [] : [("Content-Type", "application/json")]) + headers,
            body: json.map { Array($0.utf8) }, timeout: .seconds(15)
        ))
        return JSONAnswer(response)
    }
}

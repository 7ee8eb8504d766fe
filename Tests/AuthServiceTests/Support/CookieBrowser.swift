import Curl
import EdgeRuntime
import Foundation

/// A browser as far as sign-in is concerned: it keeps cookies per name (no domains: every
/// server here is 127.0.0.1), sends them back, and follows nothing by itself, so a test sees
/// every redirect.
final class CookieBrowser: @unchecked Sendable {
    // @unchecked: used by one test at a time.
    let http: CurlClient
    var cookies: [String: String] = [:]

    init(http: CurlClient) {
        self.http = http
    }

    func get(_ url: String, headers: [(name: String, value: String)] = []) async throws -> CurlResponse {
        try await send(CurlRequest(url: url, headers: headers, timeout: .seconds(10)))
    }

    func post(_ url: String, form: [(String, String)], headers: [(name: String, value: String)] = []) async throws -> CurlResponse {
        let body = FormFields.encode(form)
        return try await send(CurlRequest(
            url: url, method: "POST", headers: headers + [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8), timeout: .seconds(10)
        ))
    }

    private func send(_ request: CurlRequest) async throws -> CurlResponse {
        var request = request
        if !cookies.isEmpty {
            request.headers.append(("Cookie", cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        let response = try await http.execute(request)
        for (name, value) in response.headers where name.lowercased() == "set-cookie" {
            let first = value.split(separator: ";", maxSplits: 1)[0]
            guard let equals = first.firstIndex(of: "=") else { continue }
            let cookie = String(first[..<equals]).trimmingCharacters(in: .whitespaces)
            if value.contains("Max-Age=0") {
                cookies[cookie] = nil
            } else {
                cookies[cookie] = String(first[first.index(after: equals)...])
            }
        }
        return response
    }

    /// The hidden fields of the first form on an HTML page, entities decoded.
    static func hiddenFields(_ html: String) -> [(String, String)] {
        let pattern = try! NSRegularExpression(pattern: #"<input type="hidden" name="([^"]*)" value="([^"]*)">"#)
        return pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)).map { match in
            (unescape(String(html[Range(match.range(at: 1), in: html)!])), unescape(String(html[Range(match.range(at: 2), in: html)!])))
        }
    }

    static func unescape(_ text: String) -> String {
        var text = text
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&#x2F;", "/"), ("&#47;", "/"), ("&#x3D;", "="), ("&#61;", "="), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }
}

extension CurlResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

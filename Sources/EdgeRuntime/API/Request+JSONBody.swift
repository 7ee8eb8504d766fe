import Hummingbird

extension Request {
    /// The body, at most `limit` bytes (413 `body_too_large` beyond), refused with 415 when a
    /// Content-Type is sent that is not JSON (`application/json` or `application/*+json`).
    public func jsonBody(upTo limit: Int) async throws(APIError) -> [UInt8] {
        if let type = headers[.contentType] {
            let media = type.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
            guard media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json")) else {
                throw APIError(.unsupportedMediaType, "unsupported_media_type", "the body must be application/json")
            }
        }
        do {
            return Array(buffer: try await body.collect(upTo: limit))
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, "body_too_large", "the body is larger than \(limit) bytes")
        } catch {
            throw APIError(.badRequest, "unreadable_body", "the body could not be read")
        }
    }
}

extension APIError {
    /// 503 for a database that did not answer; the cause goes to the log only.
    public static func databaseUnavailable(_ cause: some Error) -> APIError {
        APIError(.serviceUnavailable, "database_unavailable", "the database is unavailable", cause: String(describing: cause))
    }
}

/// A completed HTTP exchange. Non-2xx statuses are responses, not errors.
public struct CurlResponse: Sendable {
    public let status: Int
    /// Header fields of the final response only (interim 1xx responses are discarded),
    /// in the order received, names as sent by the server.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header whose name matches `name` case-insensitively (HTTP field names are
    /// case-insensitive, and HTTP/2 servers send them lowercased).
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return self.headers.first { $0.name.lowercased() == wanted }?.value
    }
}

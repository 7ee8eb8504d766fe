import JSON

/// The body of an emulator's `POST /admin/outage`: `{"status": 500…599}` starts an outage
/// answered with that HTTP status, `{"status": null}` ends it.
enum OutageRequest {
    /// `.some(status)` or `.some(nil)` (end it) for a valid body; nil for anything else.
    static func parse(_ value: JSONValue?) -> Int?? {
        if value == .null { return .some(nil) }
        guard let status = value?.integerValue.map(Int.init), (500...599).contains(status) else { return nil }
        return .some(status)
    }

    static let usage = "body must be {\"status\": 500…599 or null}"
}

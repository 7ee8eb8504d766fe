import EdgeRuntime
import Foundation

/// The console's list parameters from a query string or a posted form, checked: a value that
/// is not understood is dropped and reported, never echoed (no page text comes from the query).
struct ConsoleQuery: Sendable, Equatable {
    var filter = RequestFilter()
    /// The page after this id (newest first).
    var before: String?
    /// Some value was not understood and was left out.
    var dropped = false

    static let maxTextBytes = 128

    init(_ fields: [String: String]) {
        if let value = Self.present(fields["status"]) {
            if let status = RequestStatus(rawValue: value.uppercased()) { filter.status = status } else { dropped = true }
        }
        filter.source = text(fields["source"])
        filter.documentType = text(fields["type"])
        filter.search = text(fields["q"])
        if let value = Self.present(fields["from"]) {
            if let ms = Self.milliseconds(value) { filter.fromMs = ms } else { dropped = true }
        }
        if let value = Self.present(fields["to"]) {
            if let ms = Self.milliseconds(value) { filter.toMs = ms } else { dropped = true }
        }
        if let value = Self.present(fields["before"]) {
            if RequestID.isValid(value) { before = value } else { dropped = true }
        }
    }

    private mutating func text(_ value: String?) -> String? {
        guard let value = Self.present(value) else { return nil }
        guard value.utf8.count <= Self.maxTextBytes, value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            dropped = true
            return nil
        }
        return value
    }

    private static func present(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespaces), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// `YYYY-MM-DDTHH:MM` (a datetime-local field, read as UTC), with optional seconds and `Z`.
    static func milliseconds(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        }
        return nil
    }

    static func formatted(_ ms: Int64?) -> String {
        guard let ms else { return "" }
        return String(Timestamp.rfc3339(milliseconds: ms).prefix(16))
    }

    /// The filter as query fields, for links and hidden form fields (without the cursor).
    var fields: [(String, String)] {
        var fields: [(String, String)] = []
        if let status = filter.status { fields.append(("status", status.rawValue)) }
        if let source = filter.source { fields.append(("source", source)) }
        if let type = filter.documentType { fields.append(("type", type)) }
        if let from = filter.fromMs { fields.append(("from", Self.formatted(from))) }
        if let to = filter.toMs { fields.append(("to", Self.formatted(to))) }
        if let search = filter.search { fields.append(("q", search)) }
        return fields
    }

    /// `?status=…&…` for a link to this list (percent-encoded; the page escapes it again as HTML).
    func link(before: String? = nil, notice: String? = nil) -> String {
        var all = fields
        if let before { all.append(("before", before)) }
        if let notice { all.append(("notice", notice)) }
        return "/ops/requests" + (all.isEmpty ? "" : "?" + FormFields.encode(all))
    }
}

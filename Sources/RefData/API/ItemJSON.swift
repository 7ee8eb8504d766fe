import EdgeRuntime
import JSON

/// The JSON of an item, `{kind, key, version, value, updatedAt}`, written straight from the
/// stored compact value (already validated JSON, never re-parsed).
enum ItemJSON {
    static func render(_ item: RefDataItem) -> String {
        var out = ""
        append(item, to: &out)
        return out
    }

    static func append(_ item: RefDataItem, to out: inout String) {
        out.reserveCapacity(out.utf8.count + item.value.utf8.count + item.key.utf8.count + 96)
        out += "{\"kind\":"
        JSONString.appendQuoted(item.kind, to: &out)
        out += ",\"key\":"
        JSONString.appendQuoted(item.key, to: &out)
        out += ",\"version\":\(item.version),\"value\":"
        out += item.value
        out += ",\"updatedAt\":\""
        out += Timestamp.rfc3339(milliseconds: item.updatedAtMs)
        out += "\"}"
    }
}

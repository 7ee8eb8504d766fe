/// Renders an untrusted string for error messages and logs: quoted, escaped, and truncated,
/// so attacker-chosen header values cannot forge log lines or bloat them.
struct Quoted: CustomStringConvertible {
    let text: String
    init(_ text: String) { self.text = text }

    var description: String {
        let limit = 64
        let prefix = text.unicodeScalars.prefix(limit)
        var out = "\""
        for scalar in prefix {
            out += scalar.escaped(asASCII: true)
        }
        out += text.unicodeScalars.count > limit ? "…\"" : "\""
        return out
    }
}

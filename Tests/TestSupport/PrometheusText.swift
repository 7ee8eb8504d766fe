/// The rules `promtool check metrics` applies to a scrape that matter here: every family has a
/// `# HELP` line right before its `# TYPE`, no family is declared twice, and every sample
/// belongs to a declared family.
public enum PrometheusText {
    /// What breaks the rules, one line each (empty when the text follows them).
    public static func problems(_ text: String) -> [String] {
        var problems: [String] = []
        var declared: Set<String> = []
        var previous = ""
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4 else { problems.append("malformed: \(line)"); continue }
                let name = String(parts[2])
                if !previous.hasPrefix("# HELP \(name) ") { problems.append("no HELP before TYPE of \(name)") }
                if !declared.insert(name).inserted { problems.append("\(name) declared twice") }
            } else if line.hasPrefix("# HELP ") {
                if line.split(separator: " ", maxSplits: 3).count < 4 { problems.append("empty HELP: \(line)") }
            } else if !line.hasPrefix("#"), !line.isEmpty {
                let name = String(line.prefix { $0 != "{" && $0 != " " })
                let family = ["_bucket", "_sum", "_count"].reduce(name) { $0.hasSuffix($1) ? String($0.dropLast($1.count)) : $0 }
                if !declared.contains(name), !declared.contains(family) { problems.append("sample of an undeclared family: \(line)") }
            }
            previous = line
        }
        return problems
    }

    /// The value of one sample, named with its labels as the scrape writes them
    /// (`name{label="value"}`); 0 when absent.
    public static func value(_ sample: String, in text: String) -> Double {
        for row in text.split(separator: "\n") where row.hasPrefix(sample + " ") {
            return Double(row.dropFirst(sample.count + 1)) ?? 0
        }
        return 0
    }

    /// The families a scrape declares.
    public static func families(_ text: String) -> Set<String> {
        Set(text.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.compactMap { $0.split(separator: " ").dropFirst(2).first.map(String.init) })
    }
}

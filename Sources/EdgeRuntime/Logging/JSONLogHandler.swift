import Foundation
import JSON
import Logging
import Synchronization

/// Writes one JSON object per line to standard output (ELK-ready):
/// `{"ts":"…","level":"info","logger":"oms.auth","msg":"…",…metadata}`.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: JSONLineSink

    public init(label: String, level: Logger.Level, sink: JSONLineSink = .standardOutput) {
        self.label = label
        self.logLevel = level
        self.sink = sink
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = "{\"ts\":\"\(Self.timestamp())\",\"level\":\"\(event.level.rawValue)\",\"logger\":"
        JSONString.appendQuoted(label, to: &line)
        line += ",\"msg\":"
        JSONString.appendQuoted(event.message.description, to: &line)
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        for key in merged.keys.sorted() where !["ts", "level", "logger", "msg"].contains(key) {
            line += ","
            JSONString.appendQuoted(key, to: &line)
            line += ":"
            Self.append(merged[key]!, to: &line)
        }
        line += "}\n"
        sink.write(line)
    }

    private static func append(_ value: Logger.Metadata.Value, to line: inout String) {
        switch value {
        case .string(let text): JSONString.appendQuoted(text, to: &line)
        case .stringConvertible(let item): JSONString.appendQuoted(item.description, to: &line)
        case .array(let items):
            line += "["
            for (index, item) in items.enumerated() {
                if index > 0 { line += "," }
                append(item, to: &line)
            }
            line += "]"
        case .dictionary(let dict):
            line += "{"
            for (index, key) in dict.keys.sorted().enumerated() {
                if index > 0 { line += "," }
                JSONString.appendQuoted(key, to: &line)
                line += ":"
                append(dict[key]!, to: &line)
            }
            line += "}"
        }
    }

    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
            parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec, Int(now.tv_nsec / 1_000_000)
        )
    }
}

/// Where JSON lines go. Whole lines are written with one `write(2)` under one lock so that
/// lines from concurrent requests never interleave.
public final class JSONLineSink: Sendable {
    private let descriptor: Mutex<Int32>

    public static let standardOutput = JSONLineSink(descriptor: 1)

    public init(descriptor: Int32) { self.descriptor = Mutex(descriptor) }

    func write(_ line: String) {
        var line = line
        descriptor.withLock { fd in
            line.withUTF8 { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { if errno == EINTR { continue }; return }
                    offset += written
                }
            }
        }
    }
}

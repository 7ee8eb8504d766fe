import Logging

/// Installs the JSON handler for the whole process, once, at the chosen level.
public enum LogBootstrap {
    /// `metadataProvider` adds what the task's context knows to every line (the trace and
    /// span ids of the span it runs in).
    public static func jsonLines(level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil) {
        LoggingSystem.bootstrap({ label, provider in
            var handler = JSONLogHandler(label: label, level: level)
            handler.metadataProvider = provider
            return handler
        }, metadataProvider: metadataProvider)
    }

    public static func level(_ reader: ConfigReader) throws(ConfigError) -> Logger.Level {
        let name = try reader.choice("log.level", default: "info", allowed: Logger.Level.allCases.map(\.rawValue))
        return Logger.Level(rawValue: name) ?? .info
    }
}

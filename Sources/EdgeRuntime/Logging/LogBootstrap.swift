import Logging

/// Installs the JSON handler for the whole process, once, at the chosen level.
public enum LogBootstrap {
    public static func jsonLines(level: Logger.Level) {
        LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
    }

    public static func level(_ reader: ConfigReader) throws(ConfigError) -> Logger.Level {
        let name = try reader.choice("log.level", default: "info", allowed: Logger.Level.allCases.map(\.rawValue))
        return Logger.Level(rawValue: name) ?? .info
    }
}

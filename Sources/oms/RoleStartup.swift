import EdgeRuntime
import Foundation
import Logging
import Telemetry

/// What every server command does first: read the configuration, set up JSON logging, and
/// turn any configuration problem into one clear line and exit status 2.
enum RoleStartup {
    static func reader(file: String?) -> ConfigReader {
        do {
            return try ConfigReader(file: file)
        } catch {
            fail(error.description)
        }
    }

    /// Builds the role's configuration; each unsafe-but-valid setting is logged as a warning
    /// at every start (`--check` prints them instead: `checkOnly`).
    static func build<T>(_ reader: ConfigReader, checkOnly: Bool = false, _ make: (ConfigReader) throws(ConfigError) -> T) -> T {
        do {
            let value = try make(reader)
            try reader.checkNoUnknownKeys()
            if !checkOnly {
                let logger = Logger(label: "oms.config")
                for warning in reader.warnings {
                    logger.warning("\(warning)")
                }
            }
            return value
        } catch {
            fail(error.description)
        }
    }

    static func logger(_ label: String, reader: ConfigReader) -> Logger {
        let level: Logger.Level
        do {
            level = try LogBootstrap.level(reader)
        } catch {
            fail(error.description)
        }
        LogBootstrap.jsonLines(level: level, metadataProvider: Telemetry.logMetadata)
        return Logger(label: label)
    }

    /// Whatever `make` throws at start-up becomes the one line and exit status 2.
    static func orFail<T>(_ make: () throws -> T) -> T {
        do {
            return try make()
        } catch {
            fail(String(describing: error))
        }
    }

    /// The same for start-up work that waits (opening and migrating a database).
    static func orFail<T>(_ make: () async throws -> T) async -> T {
        do {
            return try await make()
        } catch {
            fail(String(describing: error))
        }
    }

    /// What `--check` says when the configuration got this far: it was read and validated
    /// (files included), with each unsafe-but-valid setting named on stderr.
    static func configurationIsValid(_ reader: ConfigReader) {
        for warning in reader.warnings {
            FileHandle.standardError.write(Data("oms: warning: \(warning)\n".utf8))
        }
        print("configuration is valid")
    }

    static func fail(_ line: String) -> Never {
        FileHandle.standardError.write(Data("oms: \(line)\n".utf8))
        exit(2)
    }
}

import Foundation
import Synchronization

/// Child processes for the tests, started with posix_spawn and reaped with waitpid.
///
/// Not Foundation's `Process`, for three reasons:
/// - its `run()` on Linux (swift-corelibs-foundation up to 6.3) copies each `/proc/self/fd`
///   entry's whole 256-byte name field, past the end of glibc's directory buffer, and now
///   and then that read faults and the whole test process crashes;
/// - a child started from a Swift concurrency thread inherits that thread's signal mask
///   (SIGTERM blocked), so a child that does not unblock it itself never stops;
/// - a daemon the command leaves behind (PostgreSQL) inherits its output pipe, and other
///   tests' reads of it never end.
/// Here the child starts with an empty signal mask and default handlers, stdin from
/// /dev/null, its output in files, and no other descriptor of this process.
public enum ChildProcess {
    /// Runs `command` to completion; the exit status (128 + signal when killed by one).
    /// `error`: where stderr goes (nil: with stdout).
    public static func run(_ command: [String], output: String, error: String? = nil) throws -> Int32 {
        let child = try SpawnedProcess(command, output: output, error: error)
        child.waitUntilExit()
        return child.terminationStatus
    }

    /// Runs `command` to completion on a thread of its own (never the cooperative pool, whose
    /// two threads every in-process server of the test run needs); its status and what it
    /// wrote. `error` as for `run`.
    public static func output(of command: [String], error: String? = nil) async throws -> (status: Int32, output: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("oms-child-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let status = try await OffPool.run { try run(command, output: file, error: error) }
        return (status, (try? String(contentsOfFile: file, encoding: .utf8)) ?? "")
    }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    // glibc 2.34+ and 2.29+; Swift's Glibc module declares neither, so they are looked up.
    private static let addCloseFrom: AddCloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    private static let addChdir: AddChdir? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<T>(_ name: String) -> T? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: T.self) }
    }

    /// Starts `command` (`command[0]` a path); stdout to `output`, stderr to `error` (or
    /// `output`), each truncated first unless `append`. `environment` nil: this process's.
    static func spawn(_ command: [String], environment: [String: String]?, directory: String?, output: String, error: String?, append: Bool) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let mode = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, mode, 0o644)
        if let error {
            posix_spawn_file_actions_addopen(&actions, 2, error, mode, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        if let closeFrom = addCloseFrom { _ = closeFrom(&actions, 3) }
        if let directory {
            guard let chdir = addChdir else { throw POSIXError(.ENOSYS) }
            _ = directory.withCString { chdir(&actions, $0) }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        defer { for argument in arguments { free(argument) } }
        var variables: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for variable in variables ?? [] { free(variable) } }
        var pid = pid_t()
        let spawned: Int32
        if variables != nil {
            spawned = posix_spawn(&pid, command[0], &actions, &attributes, &arguments, &variables!)
        } else {
            spawned = posix_spawn(&pid, command[0], &actions, &attributes, &arguments, environ)
        }
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }
        return pid
    }
}

/// A child that runs on (a server, a role), with the part of `Process`'s API the tests use.
public final class SpawnedProcess: Sendable {
    public let processIdentifier: pid_t
    /// The exit status once reaped (128 + signal when killed by one).
    private let exit = Mutex<Int32?>(nil)

    /// See `ChildProcess.spawn`.
    public init(_ command: [String], environment: [String: String]? = nil, directory: String? = nil, output: String, error: String? = nil, append: Bool = false) throws {
        processIdentifier = try ChildProcess.spawn(command, environment: environment, directory: directory, output: output, error: error, append: append)
    }

    public var isRunning: Bool { reaped() == nil }

    /// SIGTERM.
    public func terminate() {
        kill(processIdentifier, SIGTERM)
    }

    public func waitUntilExit() {
        while reaped() == nil { usleep(5_000) }
    }

    /// The exit status (128 + signal when killed by one); -1 while it runs.
    public var terminationStatus: Int32 { reaped() ?? -1 }

    /// The status if the child has exited (reaping it then), nil while it runs.
    private func reaped() -> Int32? {
        exit.withLock { exit in
            if let exit { return exit }
            var status: Int32 = 0
            let result = waitpid(processIdentifier, &status, WNOHANG)
            if result == -1, errno == ECHILD {
                exit = -1  // reaped elsewhere: gone, its status unknown
                return exit
            }
            guard result == processIdentifier else { return nil }
            // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift does not import.
            let signal = status & 0x7F
            exit = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
            return exit
        }
    }
}

import Foundation

/// Runs blocking work (a child process, a blocking client's poll loop) on a thread of its own
/// and awaits it. The cooperative pool has one thread per core, two here: two tests blocking
/// it at once would stall every in-process server and client of the test run.
public enum OffPool {
    public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}

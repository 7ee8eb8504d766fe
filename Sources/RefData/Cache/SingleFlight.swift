import Database
import Synchronization

/// Concurrent reads of one key that miss share one lookup (one Redis call, at most one
/// database read).
///
/// After a write, `forget` detaches the key's lookup in progress: reads that start after the
/// write was acknowledged must not join a lookup that may have read the old value.
final class SingleFlight: Sendable {
    private typealias Outcome = Result<CacheEntry, DatabaseError>

    private struct Flight {
        let id: UInt64
        let task: Task<Outcome, Never>
    }

    private struct State {
        var flights: [ItemID: Flight] = [:]
        var next: UInt64 = 0
    }

    private let state = Mutex(State())

    func run(_ id: ItemID, _ work: @escaping @Sendable () async throws(DatabaseError) -> CacheEntry) async throws(DatabaseError) -> CacheEntry {
        // Created and registered under the lock, so the task cannot remove its entry before it
        // is there.
        let task = state.withLock { state -> Task<Outcome, Never> in
            if let flight = state.flights[id] { return flight.task }
            state.next &+= 1
            let flightID = state.next
            let task = Task { [weak self] () -> Outcome in
                let outcome: Outcome
                do throws(DatabaseError) {
                    outcome = .success(try await work())
                } catch {
                    outcome = .failure(error)
                }
                self?.finished(id, flightID)
                return outcome
            }
            state.flights[id] = Flight(id: flightID, task: task)
            return task
        }
        return try await task.value.get()
    }

    func forget(_ id: ItemID) {
        _ = state.withLock { $0.flights.removeValue(forKey: id) }
    }

    private func finished(_ id: ItemID, _ flightID: UInt64) {
        state.withLock { state in
            if state.flights[id]?.id == flightID { state.flights[id] = nil }
        }
    }
}

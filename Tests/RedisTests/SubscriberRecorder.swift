import Synchronization

/// Collects a subscriber's callbacks, which arrive on its own thread.
final class SubscriberRecorder: Sendable {
    enum Event: Equatable {
        case connected
        case message(String, [UInt8])
        case disconnected
    }

    private let events = Mutex<[Event]>([])

    var all: [Event] { self.events.withLock { $0 } }
    var connects: Int { self.all.filter { $0 == .connected }.count }
    var disconnects: Int { self.all.filter { $0 == .disconnected }.count }
    var messages: [(channel: String, payload: [UInt8])] {
        self.all.compactMap { event in
            if case .message(let channel, let payload) = event { return (channel, payload) }
            return nil
        }
    }

    func record(_ event: Event) {
        self.events.withLock { $0.append(event) }
    }
}

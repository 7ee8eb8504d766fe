import Foundation

/// One TCP connection on loopback driven byte by byte, for clients no library plays: the
/// slow (a header line at a time), the greedy (requests sent, answers never read) and the
/// many (connections from another loopback address, 127.0.0.2 say, to meet per-address limits).
/// Blocking calls: use it off the cooperative pool (`OffPool`).
public final class RawConnection: @unchecked Sendable {
    // @unchecked: one test drives a connection from one place at a time.
    public let fd: Int32
    private var closed = false

    /// Connects to 127.0.0.1:`port` from `source` (any 127.x.y.z), or nil when refused.
    public init?(port: Int, source: String = "127.0.0.1") {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr(source)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var address = Loopback.address(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, connected == 0 else {
            Foundation.close(fd)
            return nil
        }
    }

    deinit { close() }

    public func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(fd)
    }

    /// Sends all of `text`; false when the peer is gone.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            sent += n
        }
        return true
    }

    /// Sends as much of `bytes` as the socket takes without waiting more than `patience` for
    /// room; returns how many bytes went. For a client that writes and never reads.
    public func sendWhileAccepted(_ bytes: [UInt8], patience: Duration) -> Int {
        var sent = 0
        var stalledSince: ContinuousClock.Instant?
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes {
                Foundation.send(fd, $0.baseAddress, min($0.count, 65536), Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n > 0 {
                sent += n
                stalledSince = nil
                continue
            }
            guard n < 0, errno == EAGAIN || errno == EWOULDBLOCK else { break }
            let now = ContinuousClock.now
            if let since = stalledSince, now - since > patience { break }
            if stalledSince == nil { stalledSince = now }
            usleep(10_000)
        }
        return sent
    }

    /// What arrives within `timeout`, stopping early once `until` holds for the text so far.
    public func receive(timeout: Duration, until: (String) -> Bool = { _ in false }) -> (text: String, peerClosed: Bool) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while ContinuousClock.now < deadline {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let left = deadline - ContinuousClock.now
            let waitMs = Int32(max(1, left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
            guard poll(&poller, 1, waitMs) > 0 else { continue }
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (String(decoding: received, as: UTF8.self), true) }
            received += buffer[0..<n]
            if until(String(decoding: received, as: UTF8.self)) { break }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}

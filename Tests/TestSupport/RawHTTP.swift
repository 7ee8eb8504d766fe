import Foundation

/// Sends raw bytes over a fresh TCP connection and returns what came back, for requests no
/// well-behaved client would send (duplicate headers, non-UTF-8, oversized headers).
public enum RawHTTP {
    public static func exchange(port: Int, _ request: [UInt8], timeout: Duration = .seconds(15), readUntilClose: Bool = false) -> String {
        guard let fd = Loopback.connect(port: port) else { return "" }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < request.count {
            let n = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { break }
            received += buffer[0..<n]
            // One response is enough: stop at the end of a body-less head.
            if !readUntilClose, let text = String(bytes: received, encoding: .utf8), text.contains("\r\n\r\n"), text.contains("Content-Length: 0") { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    public static func status(of response: String) -> Int? {
        let parts = response.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2 else { return nil }
        return Int(parts[1])
    }
}

/// Normalises the path of `X-Original-URI` the way nginx does before it matches locations
/// (percent-decoding, dot segments removed, repeated slashes merged), so that the scope rule
/// we apply is the one for the location nginx will serve. Anything ambiguous is refused.
public enum PathNormalizer {
    public struct Failure: Error, Sendable, Equatable {
        public let message: String
    }

    /// Returns `/`-joined segments without a trailing slash (`/` for the root).
    public static func normalize(_ uri: String) throws(Failure) -> String {
        let parts = try segments(of: uri)
        return parts.isEmpty ? "/" : "/" + parts.joined(separator: "/")
    }

    public static func segments(of uri: String) throws(Failure) -> [String] {
        var raw = Substring(uri)
        if let cut = raw.firstIndex(where: { $0 == "?" || $0 == "#" }) { raw = raw[..<cut] }
        guard raw.first == "/" else { throw Failure(message: "path must start with /") }
        var segments: [String] = []
        for piece in raw.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true) {
            let decoded = try decode(piece)
            switch decoded {
            case ".": continue
            case "..":
                // RFC 3986 §5.2.4; nginx answers 400 for a path that climbs above the root.
                guard !segments.isEmpty else { throw Failure(message: "path climbs above the root") }
                segments.removeLast()
            default: segments.append(decoded)
            }
        }
        return segments
    }

    private static func decode(_ bytes: Substring.UTF8View.SubSequence) throws(Failure) -> String {
        guard bytes.contains(UInt8(ascii: "%")) else { return String(Substring(bytes)) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "%") else {
                out.append(byte)
                index = bytes.index(after: index)
                continue
            }
            let first = bytes.index(after: index)
            guard first < bytes.endIndex, bytes.index(after: first) < bytes.endIndex,
                  let high = hexValue(bytes[first]), let low = hexValue(bytes[bytes.index(after: first)]) else {
                throw Failure(message: "bad percent-encoding")
            }
            let value = high << 4 | low
            // An encoded slash changes the segment structure between us and the upstream,
            // and NUL truncates paths in C code behind us: both are refused.
            guard value != UInt8(ascii: "/") else { throw Failure(message: "encoded slash in path") }
            guard value != 0 else { throw Failure(message: "encoded NUL in path") }
            out.append(value)
            index = bytes.index(first, offsetBy: 2)
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw Failure(message: "path is not UTF-8") }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

import Foundation
import JOSE
import JSON

/// Loads the published vectors under `Vectors/` next to this file (`#filePath`-relative, not
/// SwiftPM resources). Parsed with `StrictJSON`, which doubles as a large-input parser test.
enum VectorFile {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Vectors")

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    static func json(_ relativePath: String) throws -> JSONValue {
        try StrictJSON.parse(bytes(relativePath), maxDepth: 64)
    }
}

/// Test-side helpers for digging through vector JSON.
extension JSONValue {
    func string(_ key: String) throws -> String {
        guard let value = self[key]?.stringValue else { throw VectorError("missing string \(key)") }
        return value
    }

    func object(_ key: String) throws -> [String: JSONValue] {
        guard let value = self[key]?.objectValue else { throw VectorError("missing object \(key)") }
        return value
    }

    func array(_ key: String) throws -> [JSONValue] {
        guard let value = self[key]?.arrayValue else { throw VectorError("missing array \(key)") }
        return value
    }
}

struct VectorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Hex {
    static func decode(_ text: String) throws -> [UInt8] {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { throw VectorError("odd hex length") }
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: throw VectorError("bad hex digit")
            }
        }
        return try stride(from: 0, to: digits.count, by: 2).map { try nibble(digits[$0]) << 4 | nibble(digits[$0 + 1]) }
    }
}

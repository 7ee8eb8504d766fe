#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only view of the raw input as code units of the encoding family libxml2 will detect:
/// single bytes for ASCII-compatible encodings, 16-bit units for UTF-16 (XML 1.0 §4.3.3 and
/// Appendix F). In both families the markup characters `<`, `>`, `=`, quotes, `!`, `?`, `-`
/// are exactly the units with those ASCII values, so markup can be found without decoding.
struct CodeUnits {
    private let base: UnsafeRawPointer
    /// Number of code units.
    let count: Int
    private let width: Int
    private let bigEndian: Bool

    init(_ bytes: UnsafeRawBufferPointer, utf16BigEndian: Bool?) {
        // Callers guarantee a non-empty buffer.
        self.base = bytes.baseAddress!
        if let bigEndian = utf16BigEndian {
            self.width = 2
            self.bigEndian = bigEndian
            self.count = bytes.count / 2
        } else {
            self.width = 1
            self.bigEndian = false
            self.count = bytes.count
        }
    }

    @inline(__always)
    subscript(_ index: Int) -> UInt16 {
        if self.width == 1 {
            return UInt16(self.base.load(fromByteOffset: index, as: UInt8.self))
        }
        let first = UInt16(self.base.load(fromByteOffset: 2 * index, as: UInt8.self))
        let second = UInt16(self.base.load(fromByteOffset: 2 * index + 1, as: UInt8.self))
        return self.bigEndian ? first << 8 | second : second << 8 | first
    }

    /// Index of the next `unit` at or after `start`; memchr for bytes, a loop for UTF-16.
    @inline(__always)
    func firstIndex(of unit: UInt8, from start: Int) -> Int? {
        guard start < self.count else { return nil }
        if self.width == 1 {
            guard let found = memchr(self.base + start, Int32(unit), self.count - start) else { return nil }
            return UnsafeRawPointer(found) - self.base
        }
        var index = start
        while index < self.count {
            if self[index] == UInt16(unit) { return index }
            index += 1
        }
        return nil
    }

    /// Index of the next occurrence of the ASCII `sequence` at or after `start`.
    func firstIndex(of sequence: StaticString, from start: Int) -> Int? {
        let pattern = UnsafeBufferPointer(start: sequence.utf8Start, count: sequence.utf8CodeUnitCount)
        var index = start
        while let candidate = self.firstIndex(of: pattern[0], from: index) {
            if self.hasPrefix(pattern, at: candidate) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    func hasPrefix(_ sequence: StaticString, at index: Int) -> Bool {
        self.hasPrefix(UnsafeBufferPointer(start: sequence.utf8Start, count: sequence.utf8CodeUnitCount), at: index)
    }

    private func hasPrefix(_ pattern: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        guard index >= 0, pattern.count <= self.count - index else { return false }
        for offset in 0..<pattern.count where self[index + offset] != UInt16(pattern[offset]) {
            return false
        }
        return true
    }

    /// 1-based line and column (in code units, counting a UTF-8 sequence as one) of `index`.
    func position(of index: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for offset in 0..<min(index, self.count) {
            let unit = self[offset]
            if unit == 0x0A {
                line += 1
                column = 1
            } else if self.width == 2 || unit & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}

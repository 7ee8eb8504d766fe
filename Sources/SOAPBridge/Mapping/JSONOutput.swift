/// A UTF-8 buffer for building compact JSON text without `String` appends on the hot path.
///
/// String escaping follows `JSONString` (the package's escaper) byte for byte: `"` and `\`,
/// `\n` `\r` `\t`, every other C0 control and DEL as `\u00XX` (lowercase hex), and
/// U+2028/U+2029 as `\u2028`/`\u2029`; everything else is copied as UTF-8.
struct JSONOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit {
        base.deallocate()
    }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(never)
    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBase = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBase.update(from: base, count: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func byte(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    @inline(__always)
    private mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        reserve(bytes.count)
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Appends ASCII punctuation or literals (`null`, `[]`, …).
    @inline(__always)
    mutating func raw(_ text: StaticString) {
        append(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends text that needs no escaping (number lexemes).
    mutating func unescaped(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    /// Appends `text` as a quoted JSON string.
    mutating func quoted(_ text: String) {
        var text = text
        text.withUTF8 { append(quoting: $0, prefix: nil) }
    }

    /// Appends `prefix` + `text` as one quoted JSON string (for `"@name"`).
    mutating func quoted(_ text: String, prefix: UInt8) {
        var text = text
        text.withUTF8 { append(quoting: $0, prefix: prefix) }
    }

    private static let hex: StaticString = "0123456789abcdef"

    private mutating func append(quoting source: UnsafeBufferPointer<UInt8>, prefix: UInt8?) {
        byte(UInt8(ascii: "\""))
        if let prefix { byte(prefix) }
        var runStart = 0
        var index = 0
        let count = source.count
        while index < count {
            let byte = source[index]
            // Fast path: printable ASCII other than `"` and `\`, and UTF-8 other than E2.
            if byte >= 0x20 && byte != 0x22 && byte != 0x5C && byte != 0x7F && byte != 0xE2 {
                index += 1
                continue
            }
            var length = 1
            if byte == 0xE2 {
                guard count - index >= 3, source[index + 1] == 0x80, source[index + 2] & 0xFE == 0xA8 else {
                    index += 1
                    continue
                }
                length = 3
            }
            append(UnsafeBufferPointer(rebasing: source[runStart..<index]))
            self.byte(UInt8(ascii: "\\"))
            switch byte {
            case 0x22, 0x5C: self.byte(byte)
            case 0x0A: self.byte(UInt8(ascii: "n"))
            case 0x0D: self.byte(UInt8(ascii: "r"))
            case 0x09: self.byte(UInt8(ascii: "t"))
            case 0xE2:
                raw("u202")
                self.byte(source[index + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
            default:
                raw("u00")
                let hex = Self.hex.utf8Start
                self.byte(hex[Int(byte >> 4)])
                self.byte(hex[Int(byte & 0x0F)])
            }
            index += length
            runStart = index
        }
        append(UnsafeBufferPointer(rebasing: source[runStart..<count]))
        byte(UInt8(ascii: "\""))
    }

    /// The text (the bytes are valid UTF-8: they come from Swift strings and ASCII).
    func string() -> String {
        String(unsafeUninitializedCapacity: count) { buffer in
            buffer.baseAddress!.update(from: base, count: count)
            return count
        }
    }
}

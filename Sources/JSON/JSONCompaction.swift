/// Removes the insignificant whitespace (RFC 8259 §2: space, tab, LF, CR between tokens) from
/// JSON text that a `JSONTokenizer` has already accepted, leaving every token exactly as the
/// author wrote it: number lexemes and string escapes (`\u00e9` stays six bytes).
///
/// One pass, no tree: the only state is whether the scan is inside a string. It assumes valid
/// JSON; on other input it still only copies bytes, never reads out of bounds.
public enum JSONCompaction {
    public static func append(_ validated: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        output.reserveCapacity(output.count + validated.count)
        var index = 0
        var runStart = 0
        var inString = false
        while index < validated.count {
            let byte = validated[index]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    index += 2  // the escaped byte cannot end the string
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: validated[runStart..<index]))
                runStart = index + 1
            }
            index += 1
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: validated[runStart..<min(index, validated.count)]))
    }
}

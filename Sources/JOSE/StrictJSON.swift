/// Strict RFC 8259 JSON parsing for untrusted input (JOSE headers, JWT claims, JWK sets).
///
/// Rejects everything RFC 8259 does not allow and everything JOSE says to reject: duplicate
/// member names (RFC 7515 §5.2 step 4 / RFC 7519 §4 allow rejecting, and a parser that keeps
/// "the last one" disagrees with others about what a token says), trailing data after the
/// value, invalid UTF-8 (RFC 8259 §8.1), lone surrogates in `\u` escapes, raw control
/// characters in strings, leading zeros, `NaN`/`Infinity`, comments, trailing commas, numbers
/// that overflow a `Double` (e.g. `1e999`), and nesting deeper than `maxDepth`.
/// No Foundation: this runs on the verification hot path.
public enum StrictJSON: Sendable {
    /// Nesting deeper than this (arrays + objects) is rejected by default.
    public static let defaultMaxDepth = 32
    /// The parser recurses once per nesting level; this cap keeps any `maxDepth` stack-safe.
    public static let maxDepthLimit = 512

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JOSEError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JOSEError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }.get()
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JOSEError) -> JSONValue {
        try bytes.withMemoryRebound(to: UInt8.self) { buffer in
            Result { () throws(JOSEError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }.get()
    }

    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JOSEError) -> JSONValue {
        try ByteAccess.withBytes(bytes) { (buffer) throws(JOSEError) -> JSONValue in
            try parse(buffer: buffer, maxDepth: maxDepth)
        }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JOSEError) -> JSONValue {
        try parse(text.utf8, maxDepth: maxDepth)
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JOSEError) -> JSONValue {
        var parser = StrictJSONParser(buffer, maxDepth: min(max(maxDepth, 0), maxDepthLimit))
        return try parser.parseDocument()
    }

    /// Parses and requires a top-level object (JOSE headers, JWT claims, JWKs).
    static func parseObject(buffer: UnsafeBufferPointer<UInt8>, what: String) throws(JOSEError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try parse(buffer: buffer, maxDepth: defaultMaxDepth)
        } catch {
            throw JOSEError(error.code, "\(what): \(error.message)")
        }
        guard case .object(let members) = value else {
            throw .malformed("\(what) must be a JSON object")
        }
        return members
    }
}

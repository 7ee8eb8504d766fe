/// Strict RFC 8259 JSON parsing for untrusted input (JOSE headers, JWT claims, JWK sets,
/// request bodies), into `JSONValue` trees.
///
/// Rejects everything RFC 8259 does not allow and everything JOSE says to reject: duplicate
/// member names (RFC 7515 §5.2 step 4 / RFC 7519 §4 allow rejecting, and a parser that keeps
/// "the last one" disagrees with others about what a token says), trailing data after the
/// value, invalid UTF-8 (RFC 8259 §8.1), lone surrogates in `\u` escapes, raw control
/// characters in strings, leading zeros, `NaN`/`Infinity`, comments, trailing commas, numbers
/// that overflow a `Double` (e.g. `1e999`), and nesting deeper than `maxDepth`. Errors are
/// `JSONError`s carrying the position of the offending byte.
///
/// Built on `JSONTokenizer`, so streaming consumers accept exactly the same documents.
/// No Foundation: this runs on the verification hot path.
public enum StrictJSON: Sendable {
    /// Nesting deeper than this (arrays + objects) is rejected by default.
    public static let defaultMaxDepth = 32
    /// The tree builder recurses once per nesting level; this cap keeps any `maxDepth` stack-safe.
    public static let maxDepthLimit = 512

    public static func parse(_ bytes: [UInt8], maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }.get()
    }

    public static func parse(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try bytes.withMemoryRebound(to: UInt8.self) { buffer in
            Result { () throws(JSONError) -> JSONValue in try parse(buffer: buffer, maxDepth: maxDepth) }
        }.get()
    }

    public static func parse(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try ByteAccess.withBytes(bytes) { (buffer) throws(JSONError) -> JSONValue in
            try parse(buffer: buffer, maxDepth: maxDepth)
        }
    }

    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try parse(text.utf8, maxDepth: maxDepth)
    }

    static func parse(buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(JSONError) -> JSONValue {
        var builder = JSONTreeBuilder(buffer, maxDepth: min(max(maxDepth, 0), maxDepthLimit))
        return try builder.document()
    }

    /// Parses a whole document and requires its top-level value to be an object (JOSE headers,
    /// JWT claims, JWKs, request bodies). Any other error takes precedence over `notAnObject`,
    /// which points at the value's first byte.
    public static func parseObject(_ bytes: some Collection<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> [String: JSONValue] {
        try ByteAccess.withBytes(bytes) { (buffer) throws(JSONError) in try parseObject(buffer, maxDepth: maxDepth) }
    }

    /// The same over bytes in place (JOSE's hot path: no generic dispatch across modules).
    package static func parseObject(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> [String: JSONValue] {
        var builder = JSONTreeBuilder(buffer, maxDepth: min(max(maxDepth, 0), maxDepthLimit))
        guard case .object(let members) = try builder.document() else {
            throw builder.error(.notAnObject, "the top-level value is not an object", at: builder.valueOffset)
        }
        return members
    }
}

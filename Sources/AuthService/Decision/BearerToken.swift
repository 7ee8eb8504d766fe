/// Extracts the token from `Authorization: Bearer …` (RFC 6750 §2.1) and checks its bytes: one
/// table of byte classes serves the bearer syntax (b64token) and the compact JWS shape.
enum BearerToken {
    /// The bearer token, when it is a b64token (RFC 6750 §2.1), else why not.
    static func extract(from headers: [String], maxBytes: Int) -> Result<String, DenyReason> {
        token(first: headers.first, fields: headers.count, maxBytes: maxBytes).flatMap { token in
            classes(of: token).seen & TokenByte.invalid == 0 ? .success(String(token)) : .failure(.malformed)
        }
    }

    /// A cheap shape check before anything is sent to OIDM: three base64url segments.
    static func looksLikeJWS(_ token: String) -> Bool {
        isCompactJWS(Substring(token))
    }

    /// `extract` and `looksLikeJWS` together: the token when it is a bearer token shaped like a
    /// compact JWS, else the reason (the same reasons the two give, in the same order). The
    /// token is a slice of the header (no copy).
    static func jws(from headers: [String], maxBytes: Int) -> Result<Substring, DenyReason> {
        jws(first: headers.first, fields: headers.count, maxBytes: maxBytes)
    }

    /// The same from the first field and the number of fields (no array on the hot path).
    static func jws(first: String?, fields: Int, maxBytes: Int) -> Result<Substring, DenyReason> {
        token(first: first, fields: fields, maxBytes: maxBytes).flatMap { token in
            isCompactJWS(token) ? .success(token) : .failure(.malformed)
        }
    }

    /// `jws` without the shape check: the bearer token's bytes, or why there is none. For the
    /// decision's hot path, which looks the token up in the cache first: a cached token had
    /// its shape checked before it was stored, and only a token not found needs the check.
    static func token(first: String?, fields: Int, maxBytes: Int) -> Result<Substring, DenyReason> {
        guard let header = first else { return .failure(.missingToken) }
        guard fields == 1 else { return .failure(.duplicateAuthorization) }
        return withBytes(header) { tokenStart(in: $0, maxBytes: maxBytes) }.map { start in Substring(header.utf8.dropFirst(start)) }
    }

    /// Where the token starts in the header's bytes, or why there is none: the scheme, the
    /// length, an empty token. What the bytes are is the byte classes' question.
    private static func tokenStart(in bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int) -> Result<Int, DenyReason> {
        guard bytes.count > 7 else { return .failure(bytes.isEmpty ? .missingToken : .badScheme) }
        // RFC 7235 §2.1: the scheme is case-insensitive.
        guard ASCIICase.hasPrefix(bytes, "bearer") else { return .failure(.badScheme) }
        guard bytes[6] == UInt8(ascii: " ") else { return .failure(.badScheme) }
        var start = 7
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        let length = bytes.count - start
        // Checked before any byte of the token is read, so a huge header costs nothing more.
        guard length <= maxBytes else { return .failure(.tokenTooLarge) }
        guard length > 0 else { return .failure(.missingToken) }
        return .success(start)
    }

    /// Whether a token's bytes are a compact JWS: base64url and exactly two dots (RFC 7515
    /// §7.1). Anything else a bearer token may hold, or may not, is `malformed`.
    static func isCompactJWS(_ token: Substring) -> Bool {
        let (seen, dots) = classes(of: token)
        return seen & (TokenByte.invalid | TokenByte.b64) == 0 && dots == 2
    }

    /// The classes of every byte gathered (no branch per byte), and the dots counted.
    private static func classes(of token: Substring) -> (seen: UInt8, dots: Int) {
        withBytes(token) { bytes in
            var seen: UInt8 = 0
            var dots = 0
            tokenFlags.withUnsafeBufferPointer { flags in
                for byte in bytes {
                    let flag = flags[Int(byte)]
                    seen |= flag
                    dots &+= Int(flag & TokenByte.dot)
                }
            }
            return (seen, dots)
        }
    }

    /// The text's UTF-8 in place (native strings, every header here), else a contiguous copy.
    private static func withBytes<T>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = String(text)
        return copy.withUTF8(body)
    }

    /// What each byte can be in a bearer token (RFC 6750 b64token) and in a compact JWS, as
    /// flags: none for a base64url character.
    private enum TokenByte {
        static let dot: UInt8 = 1
        /// A b64token character, but not base64url: not a compact JWS.
        static let b64: UInt8 = 2
        static let invalid: UInt8 = 4
    }

    private static let tokenFlags: [UInt8] = (0...255).map { value in
        switch UInt8(value) {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            0
        case UInt8(ascii: "."): TokenByte.dot
        case UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="): TokenByte.b64
        default: TokenByte.invalid
        }
    }
}

/// Extracts the token from `Authorization: Bearer …` (RFC 6750 §2.1).
enum BearerToken {
    static func extract(from headers: [String], maxBytes: Int) -> Result<String, DenyReason> {
        guard let header = headers.first else { return .failure(.missingToken) }
        // Two Authorization headers are ambiguous: which one did the upstream see?
        guard headers.count == 1 else { return .failure(.duplicateAuthorization) }
        let utf8 = header.utf8
        guard utf8.count > 7 else { return .failure(header.isEmpty ? .missingToken : .badScheme) }
        // RFC 7235 §2.1: the scheme is case-insensitive.
        guard ASCIICase.hasPrefix(utf8, "bearer") else { return .failure(.badScheme) }
        var rest = Substring(header).utf8.dropFirst(6)
        guard rest.first == UInt8(ascii: " ") else { return .failure(.badScheme) }
        rest = rest.drop(while: { $0 == UInt8(ascii: " ") })
        // Checked before any parsing, so a huge header costs nothing but this comparison.
        guard rest.count <= maxBytes else { return .failure(.tokenTooLarge) }
        guard !rest.isEmpty else { return .failure(.missingToken) }
        // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
        for byte in rest {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="):
                continue
            default:
                return .failure(.malformed)
            }
        }
        return .success(String(Substring(rest)))
    }

    /// A cheap shape check before anything is sent to OIDM: three base64url segments.
    static func looksLikeJWS(_ token: String) -> Bool {
        var dots = 0
        for byte in token.utf8 {
            if byte == UInt8(ascii: ".") { dots += 1; continue }
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                continue
            default:
                return false
            }
        }
        return dots == 2
    }

    /// `extract` and `looksLikeJWS` in one pass over the bytes: the token when it is a bearer
    /// token shaped like a compact JWS, else the reason (the same reasons the two give, in the
    /// same order). Works on the header's contiguous bytes, the token's with a table per byte;
    /// a header without contiguous storage takes the two checks. The token is a slice of the
    /// header (no copy).
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
        if let answer = header.utf8.withContiguousStorageIfAvailable({ tokenStart(in: $0, maxBytes: maxBytes) }) {
            return answer.map { start in Substring(header.utf8.dropFirst(start)) }
        }
        switch extract(from: [header], maxBytes: maxBytes) {
        case .failure(let reason): return .failure(reason)
        // `extract` checked the b64token bytes; `isCompactJWS` checks them again.
        case .success(let token): return .success(Substring(token))
        }
    }

    /// Where the token starts in the header's bytes, or why there is none: the scheme, the
    /// length, an empty token. What the bytes are is `isCompactJWS`'s question.
    private static func tokenStart(in bytes: UnsafeBufferPointer<UInt8>, maxBytes: Int) -> Result<Int, DenyReason> {
        guard bytes.count > 7 else { return .failure(bytes.isEmpty ? .missingToken : .badScheme) }
        guard ASCIICase.hasPrefix(bytes, "bearer") else { return .failure(.badScheme) }
        guard bytes[6] == UInt8(ascii: " ") else { return .failure(.badScheme) }
        var start = 7
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        let length = bytes.count - start
        guard length <= maxBytes else { return .failure(.tokenTooLarge) }
        guard length > 0 else { return .failure(.missingToken) }
        return .success(start)
    }

    /// Whether a token's bytes are a compact JWS: base64url and exactly two dots (RFC 7515
    /// §7.1). Anything else a bearer token may hold, or may not, is `malformed`.
    static func isCompactJWS(_ token: Substring) -> Bool {
        if let answer = token.utf8.withContiguousStorageIfAvailable(isCompactJWS) { return answer }
        return looksLikeJWS(String(token))
    }

    private static func isCompactJWS(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // No branch per byte: the flags of every byte are gathered, and the dots counted.
        var seen: UInt8 = 0
        var dots = 0
        tokenFlags.withUnsafeBufferPointer { flags in
            for byte in bytes {
                let flag = flags[Int(byte)]
                seen |= flag
                dots &+= Int(flag & TokenByte.dot)
            }
        }
        return seen & (TokenByte.invalid | TokenByte.b64) == 0 && dots == 2
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

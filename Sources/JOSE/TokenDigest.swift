import COpenSSL

/// SHA-256 of a token, for caches and replay sets keyed by token without storing the token.
///
/// Stored as four `UInt64`s so hashing and equality are a few word operations.
public struct TokenDigest: Hashable, Sendable, CustomStringConvertible {
    private let word0: UInt64
    private let word1: UInt64
    private let word2: UInt64
    private let word3: UInt64

    public init(_ bytes: some Collection<UInt8>) {
        // On the stack: this runs for every request `oms auth` answers.
        let words = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digest -> (UInt64, UInt64, UInt64, UInt64) in
            let ok: Bool
            if let result = bytes.withContiguousStorageIfAvailable({ TokenDigest.sha256($0, into: digest) }) {
                ok = result
            } else {
                ok = Array(bytes).withUnsafeBufferPointer { TokenDigest.sha256($0, into: digest) }
            }
            // SHA-256 from the default provider cannot fail short of memory exhaustion.
            precondition(ok, "SHA-256 failed\(OpenSSLErrors.drain())")
            func word(_ offset: Int) -> UInt64 {
                (offset..<(offset + 8)).reduce(0) { $0 << 8 | UInt64(digest[$1]) }
            }
            return (word(0), word(8), word(16), word(24))
        }
        (word0, word1, word2, word3) = words
    }

    public init(_ token: String) {
        self.init(token.utf8)
    }

    /// The digest from its `hex` (64 hex digits, either case); nil for anything else.
    public init?(hex: some StringProtocol) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 64 else { return nil }
        var words: [UInt64] = []
        for start in stride(from: 0, to: 64, by: 16) {
            guard let word = UInt64(String(decoding: bytes[start..<(start + 16)], as: UTF8.self), radix: 16) else { return nil }
            words.append(word)
        }
        // UInt64(_:radix:) also takes a sign: only digits are a digest.
        guard bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 102) }) else { return nil }
        (word0, word1, word2, word3) = (words[0], words[1], words[2], words[3])
    }

    /// Lowercase hex of the 32-byte digest.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for word in [word0, word1, word2, word3] {
            for shift in stride(from: 60, through: 0, by: -4) {
                out.append(digits[Int(word >> UInt64(shift) & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    static func sha256(_ input: UnsafeBufferPointer<UInt8>, into digest: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        var length: UInt32 = 0
        return EVPKey.withNonNullBase(input) { data in
            EVP_Digest(data, input.count, digest.baseAddress, &length, MessageDigest.sha256, nil) == 1
        } && length == 32
    }
}

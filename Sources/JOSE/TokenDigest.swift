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

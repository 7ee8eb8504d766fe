@testable import JOSE
import Testing

/// AES-256-GCM against the GCM specification's test cases 14 and 16 (McGrew & Viega, also in
/// NIST's CAVP set), and every way a box can be refused.
@Suite struct AESGCMTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test func publishedVectors() throws {
        let zero = try AESGCMKey(bytes: [UInt8](repeating: 0, count: 32))
        #expect(zero.seal([UInt8](repeating: 0, count: 16), associatedData: [], nonce: [UInt8](repeating: 0, count: 12))
            == [UInt8](repeating: 0, count: 12) + Self.hex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"))

        let key = try AESGCMKey(bytes: Self.hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"))
        let plaintext = Self.hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39")
        let aad = Self.hex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
        let nonce = Self.hex("cafebabefacedbaddecaf888")
        let box = key.seal(plaintext, associatedData: aad, nonce: nonce)
        #expect(box == nonce + Self.hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662")
            + Self.hex("76fc6ece0f4e1768cddf8853bb2d551b"))
        #expect(key.open(box, associatedData: aad) == plaintext)
    }

    @Test func roundTripWithFreshNonces() throws {
        let key = try AESGCMKey(bytes: RandomBytes.make(32))
        let message = Array("a session".utf8)
        let first = key.seal(message, associatedData: Array("cookie".utf8))
        let second = key.seal(message, associatedData: Array("cookie".utf8))
        #expect(first != second)
        #expect(first.count == message.count + AESGCMKey.overhead)
        #expect(key.open(first, associatedData: Array("cookie".utf8)) == message)
        #expect(key.open(second, associatedData: Array("cookie".utf8)) == message)
        #expect(key.open(key.seal([], associatedData: [])) == [])
    }

    @Test func everyAlterationIsRefused() throws {
        let key = try AESGCMKey(bytes: RandomBytes.make(32))
        let box = key.seal(Array("operator session".utf8), associatedData: Array("a".utf8))
        // Every single bit of nonce, ciphertext and tag matters.
        for index in box.indices {
            for bit in [UInt8(1), 0x80] {
                var altered = box
                altered[index] ^= bit
                #expect(key.open(altered, associatedData: Array("a".utf8)) == nil, "byte \(index)")
            }
        }
        #expect(key.open(box, associatedData: Array("b".utf8)) == nil)
        #expect(key.open(box, associatedData: []) == nil)
        #expect(try AESGCMKey(bytes: RandomBytes.make(32)).open(box, associatedData: Array("a".utf8)) == nil)
        #expect(key.open(Array(box.dropLast()), associatedData: Array("a".utf8)) == nil)
        #expect(key.open(Array(box.prefix(AESGCMKey.overhead - 1))) == nil)
        #expect(key.open([]) == nil)
        #expect(key.open(box + [0], associatedData: Array("a".utf8)) == nil)
    }

    @Test func keysOfTheWrongSizeAreRefused() {
        for size in [0, 16, 24, 31, 33, 64] {
            #expect(throws: AESGCMKey.KeyError.self) { try AESGCMKey(bytes: [UInt8](repeating: 1, count: size)) }
        }
    }

    @Test func sha256AndHMACMatchPublishedValues() {
        #expect(SHA256.hash(Array("abc".utf8)) == Self.hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        // RFC 7636 appendix B: the S256 challenge of the example verifier.
        #expect(Base64URL.encode(SHA256.hash(Array("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".utf8))) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        // RFC 4231 test case 2.
        #expect(SHA256.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
            == Self.hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"))
    }
}

import JOSE
import Testing

/// RFC 7515 §2 / RFC 4648 §5 base64url without padding, canonical only.
@Suite("Base64URL")
struct Base64URLTests {
    @Test("RFC 4648 §10 test vectors (URL alphabet, no padding)")
    func vectors() {
        let pairs = [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")]
        for (plain, encoded) in pairs {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded)
            #expect(Base64URL.decode(encoded) == Array(plain.utf8))
        }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
    }

    @Test("round-trips every length and byte value")
    func roundTrip() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...130 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("=") && !encoded.contains("+") && !encoded.contains("/"))
            #expect(Base64URL.decode(encoded) == bytes)
            #expect(Base64URL.decode(Array(encoded.utf8)) == bytes)
        }
    }

    @Test("rejects padding, the standard alphabet, whitespace, bad lengths, non-canonical bits", arguments: [
        "Zg==", "Zm8=", "Zg=", "Zm9v====", "+/+/", "Zm9v+g", "Zm9v/g", "Zm9 v", " Zm9v", "Zm9v\n", "Zm9v\t",
        "Z", "Zm9vY", "Zh", "Zm9", "Zm9vYh", "Zm9vYmF", "Zm9v.", "Zm9v?", "Zm9v*", "é",
    ])
    func rejects(_ text: String) {
        #expect(Base64URL.decode(text) == nil, "\(text.debugDescription)")
    }

    @Test("each canonical encoding is the only accepted one")
    func canonical() {
        // "Zg" is 'f'; "Zh"…"Zv" carry the same byte with non-zero unused bits.
        #expect(Base64URL.decode("Zg") == [0x66])
        for symbol in "hijklmnopqrstuv" {
            #expect(Base64URL.decode("Z\(symbol)") == nil)
        }
        #expect(Base64URL.decode("Zm8") == [0x66, 0x6F])
        for symbol in "9-_" { #expect(Base64URL.decode("Zm\(symbol)") == nil || symbol == "8") }
    }
}

/// SHA-256 token digests (FIPS 180-4 test vector "abc").
@Suite("TokenDigest")
struct TokenDigestTests {
    @Test("known answer, equality and hashing")
    func digest() {
        let abc = TokenDigest("abc")
        #expect(abc.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(TokenDigest(Array("abc".utf8)) == abc)
        #expect(TokenDigest("abc".utf8) == abc)
        #expect(TokenDigest("") .hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(TokenDigest("abd") != abc)
        let set: Set<TokenDigest> = [abc, TokenDigest("abc"), TokenDigest("x")]
        #expect(set.count == 2)
    }
}

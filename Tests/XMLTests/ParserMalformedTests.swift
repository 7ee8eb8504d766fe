import Testing
import XML

@Suite("HardenedXMLParser: malformed input")
struct ParserMalformedTests {
    @Test(arguments: [
        "<a>",  // unclosed
        "<a><b></a>",  // unclosed child
        "<a></b>",  // mismatched
        "<a/><b/>",  // two roots
        "<a/>text",  // text after the root
        "garbage",
        "<a",
        "<a b=c/>",  // unquoted attribute
        "<a b='1' b='2'/>",  // XML 1.0 §3.1 Unique Att Spec
        "<p:a/>",  // undeclared prefix (Namespaces in XML 1.0 §5)
        "<a p:b='1'/>",
        "<a>]]></a>",  // §2.4: ']]>' not allowed in content
        "<a><!-- x -- y --></a>",  // §2.5: '--' not allowed in comments
        "<a>&amp</a>",  // reference without ';'
        "<?xml version='1.0'encoding='UTF-8'?><a/>",
    ])
    func malformed(_ xml: String) {
        #expect(parseError(xml)?.code == .malformed)
    }

    @Test func emptyAndBlankInput() {
        #expect(parseError([UInt8]())?.code == .malformed)
        #expect(parseError("   \n ")?.code == .malformed)
        #expect(parseError("<?xml version='1.0'?>")?.code == .malformed)
        let empty = [UInt8]().withUnsafeBytes { buffer in
            Result { () throws(XMLError) in try HardenedXMLParser.parse(buffer) }
        }
        #expect(throws: XMLError.self) { try empty.get() }
    }

    @Test func errorsCarryLineAndColumn() throws {
        let error = try #require(parseError("<a>\n  <b>\n  </c>\n</a>"))
        #expect(error.code == .malformed)
        #expect(error.line == 3)
        #expect(error.column != nil)
        #expect(error.description.hasPrefix("XMLError.malformed: "))
    }

    @Test func nonUTF8BytesInAUTF8Document() throws {
        let invalid = Array("<?xml version='1.0' encoding='UTF-8'?><a>".utf8) + [0xFF, 0xFE, 0xC3] + Array("</a>".utf8)
        let error = try #require(parseError(invalid))
        #expect(error.code == .invalidCharacter)
        #expect(error.line == 1)
        // A truncated multi-byte sequence and an overlong encoding of '<'.
        #expect(parseError(Array("<a>".utf8) + [0xE2, 0x82] + Array("</a>".utf8))?.code == .invalidCharacter)
        #expect(parseError(Array("<a>".utf8) + [0xC0, 0xBC] + Array("</a>".utf8))?.code == .invalidCharacter)
        // Also in attribute values and names.
        #expect(parseError(Array("<a b='".utf8) + [0xFF] + Array("'/>".utf8))?.code == .invalidCharacter)
        #expect(parseError(Array("<a".utf8) + [0xFF] + Array("/>".utf8)) != nil)
    }

    @Test func nulByteIsAnInvalidCharacterWithItsPosition() throws {
        let error = try #require(parseError(Array("<a>\n  x".utf8) + [0] + Array("</a>".utf8)))
        #expect(error.code == .invalidCharacter)
        #expect(error.line == 2)
        #expect(error.column == 4)
        #expect(parseError([0])?.code == .invalidCharacter)
    }

    @Test(arguments: ["<a>\u{1}</a>", "<a>\u{B}</a>", "<a b='\u{1F}'/>", "<a>&#0;</a>", "<a>&#x1;</a>", "<a>&#xFFFE;</a>", "<a>&#xD800;</a>", "<a b='&#12;'/>"])
    func charactersOutsideTheCharProduction(_ xml: String) {
        // XML 1.0 §2.2 Char; character references must also match it (§4.1 WFC: Legal Character).
        #expect(parseError(xml)?.code == .invalidCharacter)
    }

    @Test(arguments: ["UTF-7", "ISO-2022-JP", "EBCDIC-US", "UCS-4", "SHIFT_JIS", "bogus"])
    func unsupportedDeclaredEncodings(_ encoding: String) throws {
        let error = try #require(parseError("<?xml version='1.0' encoding='\(encoding)'?><a/>"))
        #expect(error.code == .malformed)
        #expect(error.message.contains("unsupported encoding"))
    }

    @Test func unsupportedDetectedEncodings() {
        // UCS-4 and EBCDIC, recognised from the first bytes like libxml2 does.
        #expect(parseError([0x00, 0x00, 0x00, 0x3C, 0, 0, 0, 0x61, 0, 0, 0, 0x2F, 0, 0, 0, 0x3E])?.code == .malformed)
        #expect(parseError([0x4C, 0x6F, 0xA7, 0x94, 0x93, 0x40])?.code == .malformed)
        // A UTF-16 document must not declare another encoding.
        #expect(parseError(utf16("<?xml version='1.0' encoding='ISO-8859-1'?><a/>", bigEndian: false))?.code == .malformed)
        // An ASCII document claiming to be UTF-16 is refused by libxml2 itself.
        #expect(parseError("<?xml version='1.0' encoding='UTF-16'?><a/>")?.code == .malformed)
    }

    @Test func messagesAreSingleLineAndBounded() throws {
        let name = String(repeating: "n", count: 5_000)
        let error = try #require(parseError("<\(name)>\n</b>"))
        #expect(error.code == .malformed)
        #expect(!error.message.contains("\n"))
        #expect(error.message.count <= 201)
    }
}

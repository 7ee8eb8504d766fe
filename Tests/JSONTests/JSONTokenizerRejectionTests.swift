import JSON
import Testing

/// The tokenizer rejects exactly what `StrictJSON` rejects, at the same byte: it is the lexer
/// `StrictJSON` is built on, not a second one.
@Suite("JSONTokenizer rejections")
struct JSONTokenizerRejectionTests {
    @Test("grammar, strings, escapes", arguments: HostileInput.grammar)
    func grammar(_ input: HostileInput) {
        expectJSONError(input.code, offset: input.offset, "\(input.testDescription)") { _ = try drain(input.bytes) }
    }

    @Test("ill-formed UTF-8", arguments: HostileInput.utf8)
    func utf8(_ input: HostileInput) {
        expectJSONError(input.code, offset: input.offset, "\(input.testDescription)") { _ = try drain(input.bytes) }
    }

    @Test("duplicate member names, before the value is read", arguments: HostileInput.duplicates)
    func duplicates(_ input: HostileInput) {
        expectJSONError(input.code, offset: input.offset, "\(input.testDescription)") { _ = try drain(input.bytes) }
    }

    @Test("duplicates are caught at the name: a later error in the value is not reached")
    func duplicateBeforeValue() {
        // The tree builder reads the value first (see JSONTreeBuilder), the tokenizer does not.
        let text = #"{"a":1,"a":[01]}"#
        expectJSONError(.duplicateKey, offset: 7) { _ = try drain(text) }
        expectJSONError(.invalidNumber, offset: 13) { _ = try StrictJSON.parse(text) }
    }

    /// Small objects are checked by scanning their names, large ones with a set: a duplicate
    /// must be found on both sides of the switch, and nesting must not mix the objects' names.
    @Test("duplicates in small and large objects, with objects nested between", arguments: [3, 16, 17, 40, 2_000])
    func duplicatesAtEverySize(_ count: Int) throws {
        let members = (0..<count).map { #""k\#($0)":{"k0":0,"inner":{"k\#($0)":1}}"# }.joined(separator: ",")
        let unique = "{\(members)}"
        #expect(throws: Never.self) { _ = try drain(unique) }
        for repeated in [0, count / 2, count - 1] {
            let text = "{\(members),\"x\":1,\"k\(repeated)\":2}"
            let offset = text.utf8.count - "\"k\(repeated)\":2}".utf8.count
            expectJSONError(.duplicateKey, offset: offset, "\(count) members, k\(repeated) again") { _ = try drain(text) }
        }
        // Sibling objects each start empty.
        let siblings = "[" + (0..<3).map { _ in "{\(members)}" }.joined(separator: ",") + "]"
        #expect(throws: Never.self) { _ = try drain(siblings) }
    }

    @Test("positions carry line and column")
    func positions() {
        expectJSONError(.syntax, offset: 7, line: 1, column: 8) { _ = try drain(#"{"a":1,}"#) }
        expectJSONError(.invalidUTF8, offset: 9, line: 2, column: 7) { _ = try drain([0x5B, 0x0A, 0x22, 0xC3, 0xA9, 0x22, 0x2C, 0x20, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D]) }
    }

    /// Every single-byte substitution, deletion and truncation of a document that exercises all
    /// token kinds: the tree parser and the tokenizer must agree on accept/reject, code and offset.
    @Test("agrees with StrictJSON on every small corruption")
    func agreesWithTreeParser() {
        let document = Array(#"{"a":[1,-0.5e+2,"\u00e9\n",true],"b":{"c":null,"d":false},"é":"x"}"#.utf8)
        let replacements: [UInt8] = [0x00, 0x09, 0x20, 0x22, 0x2C, 0x2D, 0x2E, 0x30, 0x31, 0x3A, 0x45, 0x5B, 0x5C, 0x5D, 0x61, 0x62, 0x7B, 0x7D, 0x80, 0xC3, 0xFF]
        var variants: [[UInt8]] = []
        for index in document.indices {
            for byte in replacements where byte != document[index] {
                var copy = document
                copy[index] = byte
                variants.append(copy)
            }
            var deleted = document
            deleted.remove(at: index)
            variants.append(deleted)
            variants.append(Array(document[..<index]))
        }
        var rejected = 0
        for variant in variants {
            let tree = Result { () throws(JSONError) in try StrictJSON.parse(variant) }
            let stream = Result { () throws(JSONError) in try drain(variant) }
            switch (tree, stream) {
            case (.success, .success):
                break
            case (.failure(let treeError), .failure(let streamError)):
                rejected += 1
                #expect(treeError.code == streamError.code && treeError.offset == streamError.offset, "\(treeError) vs \(streamError) in \(String(decoding: variant, as: UTF8.self).debugDescription)")
            default:
                Issue.record("disagree on \(String(decoding: variant, as: UTF8.self).debugDescription): \(tree) vs \(stream)")
            }
        }
        #expect(rejected > variants.count / 2)
    }
}

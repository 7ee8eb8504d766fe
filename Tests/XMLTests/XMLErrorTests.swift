import Testing
import XML

@Suite("XMLError")
struct XMLErrorTests {
    /// The descriptions are metric labels: they must never change.
    @Test func codeDescriptionsAreStableSnakeCase() {
        let codes: [(XMLError.Code, String)] = [
            (.malformed, "malformed"),
            (.doctypeForbidden, "doctype_forbidden"),
            (.entityForbidden, "entity_forbidden"),
            (.tooDeep, "too_deep"),
            (.tooLarge, "too_large"),
            (.tooManyNodes, "too_many_nodes"),
            (.invalidCharacter, "invalid_character"),
        ]
        for (code, description) in codes {
            #expect(code.description == description)
        }
        #expect(Set(codes.map(\.0)).count == codes.count)
    }

    @Test func descriptionCarriesCodeMessageAndPosition() throws {
        let error = try #require(parseError("<a>\n</b>"))
        #expect(error.description.hasPrefix("XMLError.malformed: "))
        #expect(error.description.hasSuffix("(line 2, column 5)"))
        let writerError = XMLError(.invalidCharacter, "U+0000")
        #expect(writerError.description == "XMLError.invalid_character: U+0000")
        #expect(writerError.line == nil && writerError.column == nil)
    }
}

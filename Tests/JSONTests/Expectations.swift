import JSON
import Testing

/// Runs `body`, which must throw a `JSONError` with `code` and, when given, at that position.
@discardableResult
func expectJSONError(
    _ code: JSONError.Code, offset: Int? = nil, line: Int? = nil, column: Int? = nil, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> JSONError? {
    let note = comment.map { " — \($0)" } ?? ""
    do {
        try body()
    } catch let error as JSONError {
        #expect(error.code == code, "\(error)\(note)", sourceLocation: sourceLocation)
        if let offset { #expect(error.offset == offset, "\(error)\(note)", sourceLocation: sourceLocation) }
        if let line { #expect(error.line == line, "\(error)\(note)", sourceLocation: sourceLocation) }
        if let column { #expect(error.column == column, "\(error)\(note)", sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("unexpected error type: \(error)\(note)", sourceLocation: sourceLocation)
        return nil
    }
    Issue.record("expected \(code) but it was accepted\(note)", sourceLocation: sourceLocation)
    return nil
}

/// Every token of a document, draining the tokenizer to its end.
func drain(_ text: String, maxDepth: Int = StrictJSON.defaultMaxDepth) throws(JSONError) -> [JSONToken] {
    try drain(Array(text.utf8), maxDepth: maxDepth)
}

func drain(_ bytes: [UInt8], maxDepth: Int = StrictJSON.defaultMaxDepth) throws(JSONError) -> [JSONToken] {
    var tokenizer = JSONTokenizer(bytes, maxDepth: maxDepth)
    var result: [JSONToken] = []
    while let token = try tokenizer.next() { result.append(token) }
    return result
}

/// A lexeme the tokenizer must hand back unchanged.
func number(_ text: String) -> JSONToken {
    .number(JSONNumberText(text)!)
}

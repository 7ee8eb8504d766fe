/// A pull tokenizer for strict RFC 8259 JSON: each `next()` returns one token, and `nil` once
/// the document is complete.
///
/// It enforces everything `StrictJSON` does, so a consumer that streams tokens sees exactly
/// the documents the tree parser accepts: structure (no trailing commas, no comments), at most
/// `maxDepth` nested containers, no duplicate member names within one object, well-formed
/// UTF-8 with no lone surrogates and no raw control characters in strings, the RFC 8259 number
/// grammar (no leading zeros), and nothing but whitespace after the top-level value. Errors are
/// `JSONError`s with the position of the offending byte; after one, every later `next()`
/// throws the same error. Numbers come out as their exact lexeme (`JSONNumberText`).
///
///     var tokens = JSONTokenizer(Array(#"{"qty":1.10}"#.utf8))
///     while let token = try tokens.next() { … }  // objectStart, key("qty"), number(1.10), objectEnd
public struct JSONTokenizer {
    /// What may come next. The container kind is part of the state (`afterElement` vs
    /// `afterMember`) so the common path never consults the container stack.
    private enum State {
        case value, firstElementOrEnd, firstKeyOrEnd, afterElement, afterMember, end, finished
    }

    private var lexer: JSONLexer
    private var state = State.value
    private var containers = ContainerStack()
    /// Names seen so far in each open object (only when checking duplicates).
    private var names = MemberNames()
    private var failure: JSONError?
    private let maxDepth: Int
    private let checksDuplicateKeys: Bool
    /// Keeps the bytes alive when the tokenizer made its own copy.
    private let storage: ByteStorage?

    /// Byte offset of the first byte of the token `next()` returned last (the input's length
    /// after the end of the document), for callers that report their own errors by position.
    public private(set) var tokenOffset = 0

    /// Tokenizes `bytes` in place; they must stay valid, unchanged, while the tokenizer is used.
    public init(_ bytes: UnsafeRawBufferPointer, maxDepth: Int = StrictJSON.defaultMaxDepth) {
        let typed = UnsafeBufferPointer(start: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        self.init(typed, maxDepth: maxDepth, checksDuplicateKeys: true, storage: nil)
    }

    /// Tokenizes a private copy of `bytes`, so the tokenizer may outlive the array.
    public init(_ bytes: [UInt8], maxDepth: Int = StrictJSON.defaultMaxDepth) {
        let storage = ByteStorage(bytes)
        self.init(UnsafeBufferPointer(storage.buffer), maxDepth: maxDepth, checksDuplicateKeys: true, storage: storage)
    }

    /// For `JSONTreeBuilder`, which detects duplicates with the dictionary it builds anyway
    /// (one hash per member instead of two on the verification hot path).
    init(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int, checksDuplicateKeys: Bool, storage: ByteStorage? = nil) {
        self.lexer = JSONLexer(buffer)
        self.maxDepth = max(maxDepth, 0)
        self.checksDuplicateKeys = checksDuplicateKeys
        self.storage = storage
    }

    public mutating func next() throws(JSONError) -> JSONToken? {
        if let failure { throw failure }
        do {
            return try step()
        } catch {
            failure = error
            throw error
        }
    }

    /// The error for a repeated member name, shared with `JSONTreeBuilder` so both report it
    /// identically. The name is escaped and truncated: it is attacker-chosen and may be logged.
    func duplicateKeyError(_ name: String, at offset: Int) -> JSONError {
        let shown = name.unicodeScalars.count > 64 ? String(name.unicodeScalars.prefix(64)) + "…" : name
        return lexer.failure(.duplicateKey, "duplicate member name \(JSONString.quoted(shown))", at: offset)
    }

    func error(_ code: JSONError.Code, _ message: String, at offset: Int) -> JSONError {
        lexer.failure(code, message, at: offset)
    }

    /// `next()` without the sticky error, for `JSONTreeBuilder`, which stops at the first one
    /// anyway (and saves the bookkeeping on every token of the verification hot path). The
    /// helpers below are force-inlined into it for the same reason: a call per helper per
    /// token was measurable when parsing a JWT header and claims.
    mutating func step() throws(JSONError) -> JSONToken? {
        lexer.skipWhitespace()
        tokenOffset = lexer.index
        switch state {
        case .value:
            // Outside any container this is the document; inside, only member values get here.
            return try value(expected: "a value", then: containers.count == 0 ? .end : .afterMember)
        case .firstElementOrEnd:
            if !lexer.isAtEnd, lexer.current == UInt8(ascii: "]") { return close() }
            return try value(expected: "a value or ']'", then: .afterElement)
        case .firstKeyOrEnd:
            if !lexer.isAtEnd, lexer.current == UInt8(ascii: "}") { return close() }
            return try name(expected: "a member name or '}'")
        case .afterElement:
            guard !lexer.isAtEnd else { throw lexer.unexpected(expected: "',' or ']'") }
            if lexer.current == UInt8(ascii: "]") { return close() }
            try separator(expected: "',' or ']'")
            return try value(expected: "a value", then: .afterElement)
        case .afterMember:
            guard !lexer.isAtEnd else { throw lexer.unexpected(expected: "',' or '}'") }
            if lexer.current == UInt8(ascii: "}") { return close() }
            try separator(expected: "',' or '}'")
            return try name(expected: "a member name")
        case .end:
            guard lexer.isAtEnd else {
                throw lexer.failure(.trailingData, "unexpected \(lexer.foundDescription) after the JSON value", at: lexer.index)
            }
            state = .finished
            return nil
        case .finished:
            return nil
        }
    }

    @inline(__always)
    /// A value starting here; after a scalar the state becomes `next`.
    private mutating func value(expected: String, then next: State) throws(JSONError) -> JSONToken {
        guard !lexer.isAtEnd else { throw lexer.unexpected(expected: expected) }
        let token: JSONToken
        switch lexer.current {
        case UInt8(ascii: "{"):
            try open(isObject: true)
            return .objectStart
        case UInt8(ascii: "["):
            try open(isObject: false)
            return .arrayStart
        case UInt8(ascii: "\""): token = .string(try lexer.string())
        case UInt8(ascii: "t"): try lexer.literal("true"); token = .bool(true)
        case UInt8(ascii: "f"): try lexer.literal("false"); token = .bool(false)
        case UInt8(ascii: "n"): try lexer.literal("null"); token = .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): token = .number(try lexer.number())
        default: throw lexer.unexpected(expected: expected)
        }
        state = next
        return token
    }

    /// A member name and the `:` after it; the member's value is the next token.
    @inline(__always)
    private mutating func name(expected: String) throws(JSONError) -> JSONToken {
        guard !lexer.isAtEnd, lexer.current == UInt8(ascii: "\"") else { throw lexer.unexpected(expected: expected) }
        let name = try lexer.string()
        // RFC 7515 §5.2 / RFC 7519 §4: with duplicate names, parsers disagree on the meaning.
        if checksDuplicateKeys, !names.insert(name) {
            throw duplicateKeyError(name, at: tokenOffset)
        }
        lexer.skipWhitespace()
        guard !lexer.isAtEnd, lexer.current == UInt8(ascii: ":") else {
            throw lexer.unexpected(expected: "':' after the member name")
        }
        lexer.index += 1
        state = .value
        return .key(name)
    }

    /// Depth is checked before the container is entered, so hostile nesting fails at once.
    @inline(__always)
    private mutating func open(isObject: Bool) throws(JSONError) {
        guard containers.count < maxDepth else {
            throw lexer.failure(.tooDeep, "nesting deeper than \(maxDepth)", at: lexer.index)
        }
        lexer.index += 1
        containers.push(isObject: isObject)
        if isObject, checksDuplicateKeys { names.open() }
        state = isObject ? .firstKeyOrEnd : .firstElementOrEnd
    }

    /// The comma between elements or members is not a token: consume it and go straight on
    /// to the element it announces.
    @inline(__always)
    private mutating func separator(expected: String) throws(JSONError) {
        guard lexer.current == UInt8(ascii: ",") else { throw lexer.unexpected(expected: expected) }
        lexer.index += 1
        lexer.skipWhitespace()
        tokenOffset = lexer.index
    }

    /// At the `]` or `}` that matches the innermost container.
    @inline(__always)
    private mutating func close() -> JSONToken {
        lexer.index += 1
        let wasObject = containers.pop()
        if wasObject, checksDuplicateKeys { names.close() }
        state = containers.count == 0 ? .end : containers.topIsObject ? .afterMember : .afterElement
        return wasObject ? .objectEnd : .arrayEnd
    }
}

@available(*, unavailable, message: "a tokenizer reads through a pointer; use one per task")
extension JSONTokenizer: Sendable {}

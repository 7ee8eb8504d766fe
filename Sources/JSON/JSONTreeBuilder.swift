/// Builds a `JSONValue` from `JSONTokenizer`'s tokens: the tree half of `StrictJSON.parse`.
///
/// Recursive, one level per container; `StrictJSON` caps `maxDepth` so the stack stays safe.
struct JSONTreeBuilder {
    private var tokens: JSONTokenizer
    /// Where the top-level value starts; "not an object" is reported there.
    private(set) var valueOffset = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        // Duplicate names are caught by the dictionary below instead (see `object`).
        tokens = JSONTokenizer(buffer, maxDepth: maxDepth, checksDuplicateKeys: false)
    }

    mutating func document() throws(JSONError) -> JSONValue {
        // The tokenizer throws rather than return nil before the first value.
        let first = try tokens.step()!
        valueOffset = tokens.tokenOffset
        let value = try value(first, depth: 0)
        // Checks that nothing but whitespace follows.
        _ = try tokens.step()
        return value
    }

    func error(_ code: JSONError.Code, _ message: String, at offset: Int) -> JSONError {
        tokens.error(code, message, at: offset)
    }

    private mutating func value(_ token: JSONToken, depth: Int) throws(JSONError) -> JSONValue {
        switch token {
        case .objectStart: return try object(depth: depth + 1)
        case .arrayStart: return try array(depth: depth + 1)
        case .string(let text): return .string(text)
        case .bool(let flag): return .bool(flag)
        case .null: return .null
        case .number(let number):
            // JSONValue holds Doubles, and JSON has no infinity (RFC 8259 §6): `1e999` is an error.
            guard let double = number.doubleValue else {
                throw tokens.error(.invalidNumber, "number out of range", at: tokens.tokenOffset)
            }
            return .number(double)
        case .key, .objectEnd, .arrayEnd:
            preconditionFailure("JSONTokenizer yielded \(token) where a value must start")
        }
    }

    private mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        // Top-level objects are JOSE headers and claim sets: reserving room for a typical one
        // avoids repeated rehashing while it grows (measurable on the verify hot path).
        var members: [String: JSONValue] = depth == 1 ? Dictionary(minimumCapacity: 12) : [:]
        while true {
            let token = try tokens.step()!
            guard case .key(let name) = token else { return .object(members) }  // objectEnd
            let nameOffset = tokens.tokenOffset
            let member = try value(try tokens.step()!, depth: depth)
            // One hash per member does both the insert and the duplicate check, so the tokenizer's
            // own check is off here. (A duplicate is thus reported after its value is read: a
            // document with a second error inside that value reports that one instead.)
            if members.updateValue(member, forKey: name) != nil {
                throw tokens.duplicateKeyError(name, at: nameOffset)
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        var elements: [JSONValue] = []
        while true {
            let token = try tokens.step()!
            if case .arrayEnd = token { return .array(elements) }
            elements.append(try value(token, depth: depth))
        }
    }
}

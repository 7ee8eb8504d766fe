extension JSONValue {
    /// Compact JSON with object keys sorted by their UTF-8 bytes, so equal values always
    /// serialize identically (useful for signing and for stable test vectors).
    ///
    /// Integral numbers below 2^53 in magnitude print without a fraction (`1700000000`); other
    /// finite numbers use Swift's shortest round-trip form; non-finite numbers, which JSON
    /// cannot express (RFC 8259 §6), print as `null`. Strings are escaped by `JSONString`.
    public func serialized() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The serialized UTF-8 bytes (what gets base64url-encoded into a JWS).
    package func serializedBytes() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let value):
            out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let value):
            JSONValue.writeNumber(value, into: &out)
        case .string(let value):
            JSONString.appendQuoted(value, to: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                element.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONString.appendQuoted(key, to: &out)
                out.append(UInt8(ascii: ":"))
                members[key]!.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func writeNumber(_ value: Double, into out: inout [UInt8]) {
        if let exact = exactInteger(value) {
            out.append(contentsOf: String(exact).utf8)
        } else if value.isFinite {
            // Swift's description is the shortest round-trip form and always valid JSON
            // ("0.1", "1e-07", "1e+100"); it never produces "inf" for finite values.
            out.append(contentsOf: value.description.utf8)
        } else {
            out.append(contentsOf: "null".utf8)
        }
    }
}

/// Finds the start tag with the most attributes, without parsing, so that hostile input is
/// refused before libxml2 spends quadratic time on it.
///
/// Why: libxml2 2.9 checks attribute uniqueness (XML 1.0 §3.1 "WFC: Unique Att Spec") and
/// namespace declarations by comparing each attribute with every earlier one in the same tag.
/// One 10 MiB start tag with a million distinct attributes is ~10^12 comparisons — minutes of
/// CPU — even though the input is within every size limit. We count the `=` signs outside
/// quoted values in each start tag: in well-formed markup that is exactly the number of
/// attributes plus namespace declarations. Comments, CDATA sections and processing
/// instructions are skipped the way XML 1.0 §2.5, §2.7 and §2.6 delimit them, so text that
/// merely looks like markup (escaped XML payloads in a SOAP string, say) is not counted.
///
/// The scan only has to agree with libxml2 up to libxml2's first error: from then on the parser
/// is fed no more input (see `SAXTreeBuilder.read`), so malformed markup cannot be used to make
/// the two disagree about where tags are.
struct StartTagScanner {
    private let units: CodeUnits

    init(_ units: CodeUnits) {
        self.units = units
    }

    /// The index of the `<` of the first start tag with more than `limit` attributes, or nil.
    func firstStartTag(withMoreThan limit: Int, from start: Int) -> Int? {
        let units = self.units
        var index = start
        while let open = units.firstIndex(of: UInt8(ascii: "<"), from: index) {
            let next = open + 1
            guard next < units.count else { return nil }
            switch units[next] {
            case UInt16(UInt8(ascii: "!")):
                if units.hasPrefix("!--", at: next) {
                    index = self.after("-->", from: next + 3)
                } else if units.hasPrefix("![CDATA[", at: next) {
                    index = self.after("]]>", from: next + 8)
                } else {
                    // A DOCTYPE (which the parser refuses) or an error: treat the rest as text.
                    index = next
                }
            case UInt16(UInt8(ascii: "?")):
                index = self.after("?>", from: next + 1)
            case UInt16(UInt8(ascii: "/")):
                // End tags carry no attributes and no quotes (XML 1.0 §3.1 ETag).
                index = next
            default:
                let (end, count) = self.countAttributes(from: next, limit: limit)
                if count > limit { return open }
                index = end
            }
        }
        return nil
    }

    /// Counts `=` outside quoted values until the tag's closing `>`; returns where to continue.
    private func countAttributes(from start: Int, limit: Int) -> (end: Int, count: Int) {
        let units = self.units
        var count = 0
        var index = start
        while index < units.count {
            switch units[index] {
            case UInt16(UInt8(ascii: ">")):
                return (index + 1, count)
            case UInt16(UInt8(ascii: "<")):
                // Not allowed inside a tag: libxml2 stops the tag (and the document) here.
                return (index, count)
            case UInt16(UInt8(ascii: "=")):
                count += 1
                if count > limit { return (index, count) }
            case UInt16(UInt8(ascii: "\"")), UInt16(UInt8(ascii: "'")):
                // AttValue (XML 1.0 §3.1) runs to the matching quote; `>` and `=` inside are data.
                let quote = UInt8(truncatingIfNeeded: units[index])
                guard let close = units.firstIndex(of: quote, from: index + 1) else { return (units.count, count) }
                index = close
            default:
                break
            }
            index += 1
        }
        return (units.count, count)
    }

    private func after(_ terminator: StaticString, from start: Int) -> Int {
        guard let found = self.units.firstIndex(of: terminator, from: start) else { return self.units.count }
        return found + terminator.utf8CodeUnitCount
    }
}

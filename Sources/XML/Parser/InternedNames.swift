import CXML2

/// Reuses the Swift `String` for element names, attribute names and namespace URIs within one
/// document.
///
/// A SOAP document repeats a few names and long namespace URIs on almost every element;
/// building a String from a C string each time (strlen, UTF-8 validation, often a heap
/// allocation) was a large share of the parse. libxml2 interns all of these in its parser
/// dictionary, so the same pointer comes back. A pointer is only cached after `xmlDictOwns`
/// confirms it lives in that dictionary, whose strings are immutable and outlive the parse;
/// from then on pointer equality means string equality.
///
/// A direct-mapped table: a collision simply replaces the entry.
struct InternedNames {
    private struct Entry {
        var key: UnsafePointer<xmlChar>?
        var value: String
    }

    private static let slots = 64
    private var entries = [Entry](repeating: Entry(key: nil, value: ""), count: InternedNames.slots)
    private let dictionary: xmlDictPtr?

    init(dictionary: xmlDictPtr?) {
        self.dictionary = dictionary
    }

    mutating func string(_ pointer: UnsafePointer<xmlChar>) -> String {
        let bits = UInt(bitPattern: pointer)
        let slot = Int(truncatingIfNeeded: (bits ^ (bits >> 6)) & UInt(Self.slots - 1))
        if self.entries[slot].key == pointer {
            return self.entries[slot].value
        }
        let string = String(cString: pointer)
        if let dictionary = self.dictionary, xmlDictOwns(dictionary, pointer) == 1 {
            self.entries[slot] = Entry(key: pointer, value: string)
        }
        return string
    }

    mutating func stringIfPresent(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return self.string(pointer)
    }
}

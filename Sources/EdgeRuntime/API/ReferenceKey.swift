/// The key of a reference data item, `[A-Za-z0-9._:-]{1,128}` and not dots alone: refdata
/// checks its keys with it, and the core the values it will look up as keys (a request's
/// `source` and `documentType`).
public enum ReferenceKey {
    public static let rule = "[A-Za-z0-9._:-]{1,128} (not dots alone)"

    public static func isValid(_ key: String) -> Bool {
        (1...128).contains(key.utf8.count) && key.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || ".:_-".utf8.contains(byte)
        }
            // `.` and `..` are dot segments in a URL: `/sources/.` is the list of sources once a
            // client (libcurl, a browser, nginx) normalises the path it is put into.
            && !key.utf8.allSatisfy { $0 == UInt8(ascii: ".") }
    }
}

extension APIError {
    /// Caller text for a message: quoted and cut short, since it may end up in logs.
    public static func quoted(_ text: String) -> String {
        String(String(text.unicodeScalars.prefix(80)).debugDescription)
    }
}

import JSON

/// JSON as JOSE reads it: strict parsing from the JSON module, failures reported as
/// `JOSEError`, the only error JOSE's API throws.
enum JOSEJSON {
    /// Parses and requires a top-level object (JOSE headers, JWT claims, JWKs): invalid JSON
    /// is `invalidJSON`; valid JSON of another type is `malformed`.
    static func parseObject(_ buffer: UnsafeBufferPointer<UInt8>, what: String) throws(JOSEError) -> [String: JSONValue] {
        do {
            return try StrictJSON.parseObject(buffer)
        } catch where error.code == .notAnObject {
            throw .malformed("\(what) must be a JSON object")
        } catch {
            throw .invalidJSON("\(what): \(error.message) at byte \(error.offset)")
        }
    }
}

/// Runs typed-throwing code over the contiguous bytes of any collection.
///
/// The standard library's `withContiguousStorageIfAvailable` is `rethrows`, which would erase
/// `JSONError` to `any Error`; routing the result through `Result` keeps the typed throw.
enum ByteAccess {
    static func withBytes<C: Collection<UInt8>, R>(
        _ bytes: C, _ body: (UnsafeBufferPointer<UInt8>) throws(JSONError) -> R
    ) throws(JSONError) -> R {
        if let result = bytes.withContiguousStorageIfAvailable({ buffer in
            Result { () throws(JSONError) -> R in try body(buffer) }
        }) {
            return try result.get()
        }
        let copy = Array(bytes)
        return try copy.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONError) -> R in try body(buffer) }
        }.get()
    }
}

/// A private copy of the input for `JSONTokenizer.init(_: [UInt8])`: pointers into an array's
/// storage must not escape `withUnsafeBufferPointer`, so the tokenizer owns its bytes instead.
final class ByteStorage {
    let buffer: UnsafeMutableBufferPointer<UInt8>

    init(_ bytes: [UInt8]) {
        buffer = .allocate(capacity: bytes.count)
        _ = buffer.initialize(from: bytes)
    }

    deinit { buffer.deallocate() }
}

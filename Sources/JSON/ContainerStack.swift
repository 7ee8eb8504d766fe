/// The kinds of the open containers, innermost last: one bit each, in a single word for the
/// first 64 levels so ordinary documents never allocate for it.
struct ContainerStack {
    private var bits: UInt64 = 0
    private var deeper: [Bool] = []
    private(set) var count = 0

    @inline(__always)
    mutating func push(isObject: Bool) {
        if count < 64 {
            let mask: UInt64 = 1 << UInt64(count)
            bits = isObject ? bits | mask : bits & ~mask
        } else {
            deeper.append(isObject)
        }
        count += 1
    }

    /// Removes the innermost container and tells whether it was an object.
    @inline(__always) @discardableResult
    mutating func pop() -> Bool {
        let wasObject = topIsObject
        count -= 1
        if count >= 64 { deeper.removeLast() }
        return wasObject
    }

    /// Whether the innermost container is an object; only valid while `count > 0`.
    @inline(__always)
    var topIsObject: Bool {
        count > 64 ? deeper[count - 65] : bits & (1 << UInt64(count - 1)) != 0
    }
}

/// The member names seen so far in each open object, for the duplicate check.
///
/// Most objects have a handful of members: comparing a new name with the few before it is
/// cheaper than hashing it (a seeded hash per name, plus a `Set` per object). An object that
/// grows past `linearLimit` names moves to a `Set`, so a hostile object with 100,000 members
/// stays linear in time rather than quadratic.
struct MemberNames {
    private struct Frame {
        /// Where this object's names start in `names` while it is small.
        var start: Int
        /// This object's names once it has outgrown the linear scan.
        var large: Set<String>?
    }

    static let linearLimit = 16

    /// The names of all open small objects, innermost last.
    private var names: [String] = []
    private var frames: [Frame] = []

    @inline(__always)
    mutating func open() {
        frames.append(Frame(start: names.count, large: nil))
    }

    @inline(__always)
    mutating func close() {
        let frame = frames.removeLast()
        if frame.large == nil {
            names.removeSubrange(frame.start...)
        }
    }

    /// Adds `name` to the innermost object; false when it is already there.
    @inline(__always)
    mutating func insert(_ name: String) -> Bool {
        let top = frames.count - 1
        if frames[top].large != nil {
            return frames[top].large!.insert(name).inserted
        }
        let start = frames[top].start
        for index in start..<names.count where names[index] == name {
            return false
        }
        names.append(name)
        if names.count - start > Self.linearLimit {
            frames[top].large = Set(names[start...])
            names.removeSubrange(start...)
        }
        return true
    }
}

import Foundation

/// Wall-clock time as stored in OMS tables: milliseconds since 1970-01-01T00:00:00Z.
public enum WallClock {
    public static func millisecondsNow() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}

import JOSE
import Synchronization

/// What an operator or a test can change at run time through `/admin/*`, and what it counts.
final class OIDMEmulatorState: Sendable {
    struct Values: Sendable {
        var delayMs: Int
        /// When set, every validation answers this HTTP status (simulates an OIDM outage).
        var failStatus: Int?
        var revoked: Set<TokenDigest> = []
        var validations = 0
    }

    let values: Mutex<Values>

    init(delayMs: Int) {
        values = Mutex(Values(delayMs: delayMs))
    }
}

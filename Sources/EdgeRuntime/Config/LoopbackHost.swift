/// Whether a host name or address is this machine's loopback: where a password in plain text
/// or an unverified connection is not worth a warning, and where a remote peer cannot reach.
public enum LoopbackHost {
    /// `localhost`, any `127.x.y.z`, and `::1` (bracketed or not).
    public static func contains(_ host: String) -> Bool {
        host == "localhost" || host.hasPrefix("127.") || host == "::1" || host == "[::1]"
    }
}

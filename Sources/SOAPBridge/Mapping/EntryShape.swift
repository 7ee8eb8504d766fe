/// How a JSON object of name → scalar is written as repeated entry elements:
/// `{"a": "1"}` under member `m` becomes `<m><key>a</key><value>1</value></m>`, where
/// `key` and `value` are the element names chosen here.
public struct EntryShape: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String = "key", value: String = "value") {
        self.key = key
        self.value = value
    }
}

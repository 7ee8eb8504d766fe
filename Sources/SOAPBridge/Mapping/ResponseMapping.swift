/// The JSON object a route answers with, selected from the SOAP response body element.
public struct ResponseMapping: Sendable {
    /// Members in output order. Names should be unique: they become JSON member names.
    public var fields: [ResponseField]

    public init(fields: [ResponseField]) {
        self.fields = fields
    }
}

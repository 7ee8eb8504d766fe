/// One upstream service's policy file (`<policies>/<service>/policy.yaml`).
struct ServicePolicy: Sendable {
    let service: String
    /// The target namespace of the wrapper elements (the WSDL's).
    let namespace: String
    /// Detail codes (prefixes) of Client faults that are business-rule refusals (422).
    let businessFaultCodes: [String]
    /// Messages inside a 200 answer that make it a failure.
    let errorMessages: ErrorMessageRule?
    let routes: [RoutePolicy]

    /// Thunderhead's `jobMessages`: `<element><type>ERROR</type><code/><message/></element>`.
    struct ErrorMessageRule: Sendable {
        let element: String
        let typeElement: String
        let codeElement: String
        let messageElement: String
        let errorTypes: Set<String>
    }
}

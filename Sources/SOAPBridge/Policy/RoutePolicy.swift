/// One REST route of a policy: which SOAP operation it calls and how the two sides map.
struct RoutePolicy: Sendable {
    let name: String
    let method: String
    let path: PathTemplate
    let operation: String
    /// What a caller's token must carry (`scopes:`; empty: any valid token).
    let scopes: [String]
    /// Always from the policy, never from the caller.
    let soapAction: String
    /// The child of the wrapper element that receives the JSON body (`request` for
    /// Thunderhead's `ExternalJobRequestAPI`); nil writes the body into the wrapper itself.
    let bodyElement: String?
    let takesBody: Bool
    let requestMapping: RequestMapping
    /// Path parameter → element written into the wrapper.
    let fromPath: [(parameter: String, element: String)]
    let status: Int
    /// Field selection; nil answers the whole wrapper by the Oracle convention.
    let responseMapping: ResponseMapping?
}

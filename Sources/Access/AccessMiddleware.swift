import AuthService
import EdgeRuntime
import HTTPTypes
import Hummingbird

/// Lets a request through to its handler only with a valid bearer token carrying every scope
/// of the endpoint, and puts the caller in the context. Otherwise RFC 6750 §3: 401 with a
/// `Bearer` challenge (no error code when no credentials came, `invalid_token` else) or 403
/// `insufficient_scope` naming the scopes, each with the role's JSON error body.
public struct AccessMiddleware: RouterMiddleware {
    public typealias Context = EdgeRequestContext

    let control: AccessControl
    let endpoint: String
    let scopes: [String]

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let fields = request.headers[values: .authorization]
        let decision = await control.decide(fields, scopes: scopes)
        control.log(decision, endpoint: endpoint, logger: context.logger)
        switch decision {
        case .allowed(let caller):
            var context = context
            context.caller = caller
            return try await next(request, context)
        case .unauthorized(let reason):
            let credentials = reason != .missingToken && reason != .badScheme
            var response = APIError(.unauthorized, "unauthorized", credentials ? "the bearer token is not valid here" : "a bearer token is required").response
            response.headers[.wwwAuthenticate] = credentials ? #"Bearer realm="oms", error="invalid_token""# : #"Bearer realm="oms""#
            return response
        case .forbidden:
            let named = scopes.filter { ScopeToken.isValid($0) }.joined(separator: " ")
            var response = APIError(.forbidden, "insufficient_scope", "the token lacks a scope this endpoint needs: \(named)").response
            response.headers[.wwwAuthenticate] = #"Bearer realm="oms", error="insufficient_scope""# + (named.isEmpty ? "" : #", scope="\#(named)""#)
            return response
        }
    }
}

/// RFC 6750 §3: a scope token is printable ASCII without space, `"` or `\`.
enum ScopeToken {
    static func isValid(_ scope: String) -> Bool {
        !scope.isEmpty && scope.utf8.allSatisfy { $0 == 0x21 || (0x23...0x5B).contains($0) || (0x5D...0x7E).contains($0) }
    }
}

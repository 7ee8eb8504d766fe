/// The one header `oms auth` takes the original request's path from (`server.path_header`).
/// Exactly one is read and the other ignored: a front that sets one of them passes the
/// client's own headers on to the auth request, so a client could send the other one.
public enum PathHeader: String, Sendable, CaseIterable {
    /// nginx-conf's `proxy_set_header X-Original-URI $request_uri`: the request-target.
    case originalURI = "X-Original-URI"
    /// ingress-nginx's `auth-url`: `$scheme://$http_host$request_uri`, a whole URL whose
    /// authority comes from the client's Host header.
    case originalURL = "X-Original-URL"

    /// The request-target this header's value names; nil when it names none (absent, or an
    /// `X-Original-URL` that is not a plain http(s) URL).
    func target(of value: String?) -> String? {
        switch self {
        case .originalURI: value
        case .originalURL: AuthRequest.target(ofURL: value)
        }
    }
}

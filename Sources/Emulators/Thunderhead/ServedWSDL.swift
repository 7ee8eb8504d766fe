import Foundation

/// The WSDL as served: its `soap:address` and `soap12:address` locations name the address the
/// request came in on (its `Host`), so a WSDL-driven client (zeep, SoapUI, wsimport) calls this
/// emulator wherever it listens, not the port written in the file.
struct ServedWSDL: Sendable {
    private let text: String

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
    }

    /// The WSDL for a request whose `Host` is `authority`; `fallback` (the listening address)
    /// when the request named none, or one that is not a plain `host[:port]`.
    func bytes(authority: String?, fallback: String) -> [UInt8] {
        let base = authority.flatMap { Self.isPlainAuthority($0) ? $0 : nil } ?? fallback
        let range = NSRange(text.startIndex..., in: text)
        let template = NSRegularExpression.escapedTemplate(for: "http://\(base)")
        return Array(Self.locations.stringByReplacingMatches(in: text, range: range, withTemplate: "$1\(template)").utf8)
    }

    /// The scheme and authority of every SOAP address location.
    private static let locations = try! NSRegularExpression(pattern: #"(<(?:soap|soap12):address\s+location=")https?://[^/"]*"#)

    /// Letters, digits, `.`, `-`, `:` and brackets only: the value lands in an XML attribute
    /// and in a URL, so anything else (quotes, `<`, `/`, `@`) is not repeated back.
    static func isPlainAuthority(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 261 && text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-:[]".unicodeScalars.contains($0))
        }
    }
}

/// A REST path with `{name}` parameters, matched by whole segments:
/// `/thunderhead/v1/batches/{batchId}/errors`.
struct PathTemplate: Sendable, Equatable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let segments: [Segment]
    let description: String

    struct Invalid: Error {
        let message: String
    }

    init(_ text: String) throws(Invalid) {
        guard text.hasPrefix("/") else { throw Invalid(message: "must start with /") }
        var segments: [Segment] = []
        var names = Set<String>()
        for piece in text.split(separator: "/", omittingEmptySubsequences: false).dropFirst() {
            guard !piece.isEmpty else { throw Invalid(message: "empty segment in '\(text)'") }
            if piece.hasPrefix("{") && piece.hasSuffix("}") {
                let name = String(piece.dropFirst().dropLast())
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                    throw Invalid(message: "bad parameter '\(piece)'")
                }
                guard names.insert(name).inserted else { throw Invalid(message: "parameter {\(name)} appears twice") }
                segments.append(.parameter(name))
            } else {
                guard !piece.contains("{") && !piece.contains("}") else { throw Invalid(message: "bad segment '\(piece)'") }
                segments.append(.literal(String(piece)))
            }
        }
        self.segments = segments
        self.description = text
    }

    var parameters: [String] {
        segments.compactMap { if case .parameter(let name) = $0 { name } else { nil } }
    }

    /// Hummingbird's form of the same path (`:name` parameters).
    var routerPath: String {
        "/" + segments.map { segment in
            switch segment {
            case .literal(let text): text
            case .parameter(let name): ":\(name)"
            }
        }.joined(separator: "/")
    }
}

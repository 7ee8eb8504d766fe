import JSON

/// Decodes one case entry of a category file.
struct CaseDecoder {
    let file: String
    let caseID: String?
    let category: String

    func decode(_ entry: JSONValue) throws(CatalogError) -> ConformanceCase {
        let fields = try Fields(entry, file: file, caseID: caseID, allowed: ["id", "title", "reference", "control", "token", "request", "upstream", "expect"], what: "case")
        let id = try fields.string("id")
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw fields.fail("id must be letters, digits and '-', got '\(id)'")
        }
        var recipe = try fields.value("request").map { (value) throws(CatalogError) in try request(value) } ?? RequestRecipe()
        if let upstream = fields.value("upstream") {
            guard recipe.target == .soapBridge else { throw fields.fail("upstream goes with request.target: soap-bridge") }
            recipe.upstream = try script(upstream)
        }
        let expect = try expectation(fields.value("expect"))
        // What the bridge sends upstream is kept only for a request whose answer was staged.
        if expect.upstreamXML != nil, recipe.upstream == nil { throw fields.fail("upstream_xml needs an upstream answer to stage") }
        var control = false
        if let flag = fields.value("control") {
            guard let value = flag.boolValue else { throw fields.fail("control must be true or false") }
            control = value
        }
        return ConformanceCase(
            id: id, title: try fields.string("title"), category: category, reference: try fields.string("reference"), source: file,
            token: try fields.value("token").map { (value) throws(CatalogError) in try token(value) },
            request: recipe, expect: expect, control: control
        )
    }

    /// `upstream: {status, content_type, body, pad_to, nest}`.
    private func script(_ value: JSONValue) throws(CatalogError) -> UpstreamScript {
        let fields = try Fields(value, file: file, caseID: caseID, allowed: ["status", "content_type", "body", "pad_to", "nest"], what: "upstream")
        var status = 200
        if let code = fields.value("status") {
            guard let number = code.integerValue, (200...599).contains(number) else { throw fields.fail("upstream.status must be 200…599") }
            status = Int(number)
        }
        let body = try body(fields, text: try fields.string("body"), defaultType: "text/xml; charset=utf-8")
        return UpstreamScript(status: status, body: body)
    }

    /// The body members a request and an upstream share: `content_type`, `pad_to`, `nest`.
    private func body(_ fields: Fields, text: String, defaultType: String) throws(CatalogError) -> BodyRecipe {
        var body = BodyRecipe(text: text, contentType: try fields.optionalString("content_type") ?? defaultType)
        guard !body.contentType.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) else { throw fields.fail("content_type must be one line") }
        if let size = fields.value("pad_to") {
            guard let bytes = size.integerValue, (1...(64 << 20)).contains(bytes) else { throw fields.fail("pad_to must be 1…67108864 bytes") }
            guard text.contains("{{pad}}") else { throw fields.fail("pad_to needs {{pad}} in the body") }
            body.padTo = Int(bytes)
        }
        if let nest = fields.value("nest") {
            let members = try Fields(nest, file: file, caseID: caseID, allowed: ["depth", "open", "close"], what: "nest")
            guard let depth = members.value("depth")?.integerValue, (1...1_000_000).contains(depth) else { throw members.fail("nest.depth must be 1…1000000") }
            let open = try members.string("open"), close = try members.optionalString("close") ?? ""
            guard open.utf8.count <= 64, close.utf8.count <= 64 else { throw members.fail("nest.open and nest.close must be at most 64 bytes") }
            guard text.contains("{{open}}") else { throw fields.fail("nest needs {{open}} in the body") }
            body.nest = BodyRecipe.Nest(depth: Int(depth), open: open, close: close)
        }
        return body
    }

    private func token(_ value: JSONValue) throws(CatalogError) -> TokenRecipe {
        let fields = try Fields(value, file: file, caseID: caseID, allowed: [
            "header", "remove_header", "claims", "remove_claims", "header_json", "claims_json", "pad_claims_to", "nest_claims", "sign", "form", "raw",
        ], what: "token")
        var recipe = TokenRecipe()
        recipe.setHeader = try fields.members("header")
        recipe.removeHeader = try fields.stringList("remove_header")
        recipe.setClaims = try fields.members("claims")
        recipe.removeClaims = try fields.stringList("remove_claims")
        recipe.headerJSON = try fields.optionalString("header_json")
        recipe.claimsJSON = try fields.optionalString("claims_json")
        recipe.raw = try fields.optionalString("raw")
        if let size = fields.value("pad_claims_to") {
            guard let bytes = size.integerValue, (1...10_000_000).contains(bytes) else { throw fields.fail("pad_claims_to must be 1…10000000 bytes") }
            recipe.padClaimsTo = Int(bytes)
        }
        if let depth = fields.value("nest_claims") {
            guard let levels = depth.integerValue, (1...1_000_000).contains(levels) else { throw fields.fail("nest_claims must be 1…1000000 levels") }
            recipe.nestClaims = Int(levels)
        }
        if let form = try fields.optionalString("form") {
            guard let parsed = TokenRecipe.Form(rawValue: form) else {
                throw fields.fail("unknown form '\(form)' (known: \(TokenRecipe.Form.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            recipe.form = parsed
        }
        recipe.signing = try signing(fields.value("sign"), fields: fields, changes: recipe.changesContent)
        return recipe
    }

    /// `sign: keep | key | none | hmac-public-pem | …`, or `sign: {key: PS256}`. Absent: the
    /// issuer's key when the content changed (so only the intended defect differs), else keep.
    private func signing(_ value: JSONValue?, fields: Fields, changes: Bool) throws(CatalogError) -> TokenRecipe.Signing {
        guard let value else { return changes ? .key(algorithm: nil) : .keep }
        if let object = value.objectValue {
            guard object.count == 1, let algorithm = object["key"]?.stringValue else { throw fields.fail("sign as a mapping must be {key: ALG}") }
            return .key(algorithm: algorithm)
        }
        let modes: [String: TokenRecipe.Signing] = [
            "keep": .keep, "key": .key(algorithm: nil), "none": .none, "hmac-public-pem": .hmacPublicPEM, "hmac-public-jwk": .hmacPublicJWK,
            "zero-ecdsa": .zeroECDSA, "der-ecdsa": .derECDSA, "truncate": .truncate, "extend": .extend, "flip": .flip,
            "stranger": .stranger, "random": .random,
        ]
        guard let name = value.stringValue, let mode = modes[name] else {
            throw fields.fail("unknown sign '\(value.stringValue ?? String(decoding: value.serializedBytes(), as: UTF8.self))' (known: \(modes.keys.sorted().joined(separator: ", ")), or {key: ALG})")
        }
        return mode
    }

    private func request(_ value: JSONValue) throws(CatalogError) -> RequestRecipe {
        let fields = try Fields(value, file: file, caseID: caseID, allowed: [
            "target", "method", "path", "authorization", "headers", "oidm_outage", "route", "body", "content_type", "pad_to", "nest",
        ], what: "request")
        var recipe = RequestRecipe()
        if let target = try fields.optionalString("target") {
            guard let parsed = RequestRecipe.Target(rawValue: target) else { throw fields.fail("target must be gateway, soap-bridge or backend") }
            recipe.target = parsed
        }
        if let text = try fields.optionalString("body") {
            recipe.body = try body(fields, text: text, defaultType: "application/json")
        } else if ["content_type", "pad_to", "nest"].contains(where: { fields.value($0) != nil }) {
            throw fields.fail("content_type, pad_to and nest go with a body")
        }
        if let method = try fields.optionalString("method") {
            guard !method.isEmpty, method.allSatisfy({ $0.isASCII && $0.isUppercase }) else { throw fields.fail("method must be upper-case letters") }
            recipe.method = method
        }
        if let path = try fields.optionalString("path") {
            guard path.hasPrefix("/") || path.hasPrefix("{{") else { throw fields.fail("path must start with / or a placeholder") }
            recipe.path = path
        }
        if let authorization = fields.value("authorization") {
            if authorization.isNull {
                recipe.authorization = nil
            } else {
                guard let text = authorization.stringValue else { throw fields.fail("authorization must be text or null (none sent)") }
                recipe.authorization = text
            }
        }
        if let route = fields.value("route") {
            guard let flag = route.boolValue else { throw fields.fail("route must be true or false") }
            recipe.route = flag
        }
        if let outage = fields.value("oidm_outage") {
            guard let status = outage.integerValue, (500...599).contains(status) else { throw fields.fail("oidm_outage must be a status 500…599") }
            recipe.oidmOutage = Int(status)
        }
        if let headers = fields.value("headers") {
            guard let list = headers.arrayValue else { throw fields.fail("headers must be a list of {name, value}") }
            for header in list {
                let pair = try Fields(header, file: file, caseID: caseID, allowed: ["name", "value"], what: "header")
                recipe.headers.append((try pair.string("name"), try pair.optionalString("value") ?? ""))
            }
        }
        return recipe
    }

    private func expectation(_ value: JSONValue?) throws(CatalogError) -> Expectation {
        let fields = try Fields(value, file: file, caseID: caseID, allowed: [
            "status", "www_authenticate", "upstream_headers", "never_fetched", "body_excludes", "upstream_xml",
        ], what: "expect")
        let status: Expectation.Status
        switch fields.value("status") {
        case .number(let code)? where code == code.rounded() && (100...599).contains(code):
            status = .exactly([Int(code)])
        case .array(let codes)? where !codes.isEmpty && codes.allSatisfy({ ($0.integerValue.map { (100...599).contains($0) }) ?? false }):
            status = .exactly(codes.compactMap { $0.integerValue.map(Int.init) })
        case .string("denied")?: status = .denied
        case .string("success")?: status = .success
        case .string("client-error")?: status = .clientError
        case .string("any")?: status = .any
        default: throw fields.fail("expect.status must be a status code, a list of them, denied, success, client-error or any")
        }
        var expectation = Expectation(status: status)
        expectation.wwwAuthenticate = try fields.optionalString("www_authenticate")
        if let never = fields.value("never_fetched") {
            guard let flag = never.boolValue else { throw fields.fail("never_fetched must be true or false") }
            expectation.neverFetched = flag
        }
        expectation.bodyExcludes = try fields.stringList("body_excludes")
        guard !expectation.bodyExcludes.contains("") else { throw fields.fail("body_excludes entries must be non-empty") }
        if let xml = fields.value("upstream_xml") {
            let members = try Fields(xml, file: file, caseID: caseID, allowed: ["no_elements", "no_attributes", "texts"], what: "upstream_xml")
            expectation.upstreamXML = Expectation.UpstreamXML(
                noElements: try members.stringList("no_elements"), noAttributes: try members.stringList("no_attributes"), texts: try members.stringList("texts")
            )
        }
        for (name, value) in try fields.members("upstream_headers").sorted(by: { $0.key < $1.key }) {
            guard let text = value.stringValue else { throw fields.fail("upstream_headers values must be text") }
            expectation.upstreamHeaders.append((name, text))
        }
        return expectation
    }
}

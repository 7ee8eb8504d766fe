@testable import Conformance
import Foundation
import TestSupport
import Testing

/// The catalog loader: the shipped catalog, and catalog files written to break it.
@Suite struct CatalogTests {
    static let shipped = GatewayStack.root.appendingPathComponent("conformance/cases").path

    @Test func theShippedCatalogLoads() throws {
        let catalog = try Catalog.load(folder: Self.shipped)
        #expect(catalog.cases.count >= 60)
        #expect(Set(catalog.cases.map(\.id)).count == catalog.cases.count)
        #expect(catalog.categories == ["transport", "structure", "algorithms", "signatures", "headers", "claims", "routes", "soap-bridge", "backends", "availability"])
        #expect(catalog.cases.filter(\.control).map(\.id) == ["XML-01"])
        #expect(catalog.cases.allSatisfy { !$0.reference.isEmpty && !$0.title.isEmpty })
        // Every refusal the suite judges by status alone is a precise one.
        let alg = try #require(catalog.cases.first { $0.id == "ALG-01" })
        #expect(alg.token?.setHeader["alg"] == "none")
        #expect(alg.token?.signing == TokenRecipe.Signing.none)
    }

    static func parse(_ text: String) -> String {
        do {
            _ = try Catalog.parse(file: "t.yaml", text: text)
            return "parsed"
        } catch {
            return error.description
        }
    }

    static let header = "category: c\ncases:\n"
    static let good = "  - {id: C-1, title: t, reference: r, expect: {status: 401}}\n"

    static let hostile: [(String, String)] = {
        var cases: [(String, String)] = []
        cases.append(("category: [\n", "not YAML"))
        cases.append(("category: c\n", "cases must be a non-empty list"))
        cases.append(("category: c\ncases: []\nextra: 1\n", "unknown key 'extra'"))
        cases.append(("category: 'a b'\ncases:\n" + good, "category must be a word"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, expct: {status: 401}}\n", "unknown key 'expct' in case"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, expect: {status: 700}}\n", "expect.status must be"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, expect: {status: sometimes}}\n", "expect.status must be"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, token: {sign: hmac}, expect: {status: 401}}\n", "unknown sign 'hmac'"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, token: {form: six-segments}, expect: {status: 401}}\n", "unknown form 'six-segments'"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, token: {pad_claims_to: -1}, expect: {status: 401}}\n", "pad_claims_to must be"))
        cases.append((header + "  - {id: 'C 1', title: t, reference: r, expect: {status: 401}}\n", "id must be letters"))
        cases.append((header + "  - {id: C-1, title: t, expect: {status: 401}}\n", "reference must be non-empty text"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, request: {method: get}, expect: {status: 401}}\n", "method must be upper-case"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, request: {headers: [{nam: x}]}, expect: {status: 401}}\n", "unknown key 'nam' in header"))
        cases.append((header + "  - {id: C-1, id: C-2, title: t, reference: r, expect: {status: 401}}\n", "duplicated key(s): 'id'"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, expect: &b {status: 401}}\n  - {id: C-2, title: t, reference: r, expect: *b}\n", "parsed"))
        cases.append((Self.billionLaughs, "more than 100000 values"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, token: {claims: {x: " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}}, expect: {status: 401}}\n", "nested more than 32"))
        cases.append((header + good + good, "parsed"))
        // The SOAP bridge's keys.
        let bridge = "  - {id: C-1, title: t, reference: r, request: {target: soap-bridge, body: '{{pad}}{{open}}'"
        cases.append((header + bridge + "}, upstream: {body: x}, expect: {status: 502, upstream_xml: {}}}\n", "parsed"))
        cases.append((header + bridge + "}, expect: {status: 400, upstream_xml: {}}}\n", "upstream_xml needs an upstream answer"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, upstream: {body: x}, expect: {status: 502}}\n", "upstream goes with request.target: soap-bridge"))
        cases.append((header + bridge + ", pad_to: 0}, expect: {status: 413}}\n", "pad_to must be 1…67108864"))
        cases.append((header + bridge + ", pad_to: 100000000}, expect: {status: 413}}\n", "pad_to must be 1…67108864"))
        cases.append((header + bridge + ", nest: {depth: 2000000, open: '['}}, expect: {status: 400}}\n", "nest.depth must be"))
        cases.append((header + bridge + ", nest: {depth: 2, open: '" + String(repeating: "[", count: 65) + "'}}, expect: {status: 400}}\n", "at most 64 bytes"))
        cases.append((header + bridge + ", content_type: \"a\\nb\"}, expect: {status: 400}}\n", "content_type must be one line"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, request: {target: soap-bridge, pad_to: 10}, expect: {status: 400}}\n", "go with a body"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, request: {target: soap-bridge, body: x, pad_to: 10}, expect: {status: 400}}\n", "pad_to needs {{pad}}"))
        cases.append((header + "  - {id: C-1, title: t, reference: r, request: {target: soap}, expect: {status: 400}}\n", "target must be gateway, soap-bridge or backend"))
        cases.append((header + bridge + "}, upstream: {body: x, status: 100}, expect: {status: 502}}\n", "upstream.status must be 200…599"))
        return cases
    }()

    @Test(arguments: hostile)
    func hostileCatalogsAreRefusedClearly(_ text: String, _ message: String) {
        #expect(Self.parse(text).contains(message), "\(Self.parse(text))")
    }

    /// Nine levels of ten aliases each: a billion values from a few hundred bytes.
    static let billionLaughs: String = {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text + header + "  - {id: C-1, title: t, reference: r, token: {claims: {x: *a9}}, expect: {status: 401}}\n"
    }()

    @Test func repeatedIdsAcrossFilesAndEmptyFolders() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: CatalogError.self) { try Catalog.load(folder: folder.path) }
        try Data((Self.header + Self.good).utf8).write(to: folder.appendingPathComponent("a.yaml"))
        try Data(("category: d\ncases:\n" + Self.good).utf8).write(to: folder.appendingPathComponent("b.yaml"))
        do {
            _ = try Catalog.load(folder: folder.path)
            Issue.record("a repeated id loaded")
        } catch {
            #expect(error.description.contains("(C-1): the id is already used in"), "\(error)")
        }
    }

    /// YAML 1.1's yes/no/on/off stay text: `alg: yes` is the string "yes", as written.
    @Test func valuesKeepTheirTypes() throws {
        let cases = try Catalog.parse(file: "t.yaml", text: Self.header + """
              - {id: C-1, title: t, reference: r, token: {header: {alg: yes, n: 12, f: 1.5, z: null, s: "12", b: true}}, expect: {status: [401, 403]}}
            """)
        let header = try #require(cases.first?.token?.setHeader)
        #expect(header["alg"] == "yes")
        #expect(header["n"] == 12)
        #expect(header["f"] == 1.5)
        #expect(header["z"] == .null)
        #expect(header["s"] == "12")
        #expect(header["b"] == true)
        #expect(cases.first?.expect.status == .exactly([401, 403]))
        #expect(cases.first?.token?.signing == .key(algorithm: nil), "changed content is signed with the issuer's key by default")
    }
}

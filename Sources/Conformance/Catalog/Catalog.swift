import Foundation
import JSON

/// The attack catalog: every `*.yaml` file of a folder (one per category), checked as a whole
/// before anything runs: unknown keys, unknown values and repeated ids are errors, not skips.
public struct Catalog: Sendable {
    public let cases: [ConformanceCase]

    /// The categories, in file order.
    public var categories: [String] {
        var seen: [String] = []
        for item in cases where !seen.contains(item.category) { seen.append(item.category) }
        return seen
    }

    public init(cases: [ConformanceCase]) {
        self.cases = cases
    }

    public static func load(folder: String) throws(CatalogError) -> Catalog {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".yaml") }.sorted()
        } catch {
            throw CatalogError(file: folder, "cannot list the folder: \(error.localizedDescription)")
        }
        guard !names.isEmpty else { throw CatalogError(file: folder, "no .yaml case files") }
        var cases: [ConformanceCase] = []
        var ids: [String: String] = [:]
        for name in names {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path), data.count <= 1 << 20 else {
                throw CatalogError(file: path, "cannot read the file (or it is over 1 MiB)")
            }
            for item in try parse(file: path, text: String(decoding: data, as: UTF8.self)) {
                if let other = ids[item.id] { throw CatalogError(file: path, caseID: item.id, "the id is already used in \(other)") }
                ids[item.id] = path
                cases.append(item)
            }
        }
        return Catalog(cases: cases)
    }

    /// One category file: `category`, optional `description`, and `cases`.
    static func parse(file: String, text: String) throws(CatalogError) -> [ConformanceCase] {
        let document: JSONValue
        do {
            document = try YAMLData.parse(text)
        } catch {
            throw CatalogError(file: file, error.message)
        }
        let top = try Fields(document, file: file, caseID: nil, allowed: ["category", "description", "cases"])
        let category = try top.string("category")
        guard category.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), !category.isEmpty else {
            throw CatalogError(file: file, "category must be a word (letters, digits, '-'), got '\(category)'")
        }
        guard let list = top.value("cases")?.arrayValue, !list.isEmpty else { throw CatalogError(file: file, "cases must be a non-empty list") }
        var cases: [ConformanceCase] = []
        for entry in list {
            let id = entry["id"]?.stringValue
            cases.append(try CaseDecoder(file: file, caseID: id, category: category).decode(entry))
        }
        return cases
    }
}

/// The members of one mapping, with the errors a catalog author needs.
struct Fields {
    let object: [String: JSONValue]
    let file: String
    let caseID: String?

    init(_ value: JSONValue?, file: String, caseID: String?, allowed: Set<String>, what: String = "entry") throws(CatalogError) {
        guard let object = value?.objectValue else { throw CatalogError(file: file, caseID: caseID, "\(what) must be a mapping") }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw CatalogError(file: file, caseID: caseID, "unknown key '\(unknown)' in \(what) (known: \(allowed.sorted().joined(separator: ", ")))")
        }
        self.object = object
        self.file = file
        self.caseID = caseID
    }

    func value(_ key: String) -> JSONValue? { object[key] }

    func fail(_ message: String) -> CatalogError { CatalogError(file: file, caseID: caseID, message) }

    func string(_ key: String) throws(CatalogError) -> String {
        guard let text = object[key]?.stringValue, !text.isEmpty else { throw fail("\(key) must be non-empty text") }
        return text
    }

    func optionalString(_ key: String) throws(CatalogError) -> String? {
        guard let value = object[key] else { return nil }
        guard let text = value.stringValue else { throw fail("\(key) must be text") }
        return text
    }

    func stringList(_ key: String) throws(CatalogError) -> [String] {
        guard let value = object[key] else { return [] }
        guard let items = value.arrayValue else { throw fail("\(key) must be a list") }
        var out: [String] = []
        for item in items {
            guard let text = item.stringValue else { throw fail("\(key) must be a list of text") }
            out.append(text)
        }
        return out
    }

    func members(_ key: String) throws(CatalogError) -> [String: JSONValue] {
        guard let value = object[key] else { return [:] }
        guard let members = value.objectValue else { throw fail("\(key) must be a mapping") }
        return members
    }
}

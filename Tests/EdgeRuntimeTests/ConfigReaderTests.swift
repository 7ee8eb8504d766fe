import Testing
@testable import EdgeRuntime

@Suite struct ConfigReaderTests {
    @Test func environmentNames() {
        #expect(ConfigReader.environmentName(for: "oidm.url") == "OMS_OIDM_URL")
        #expect(ConfigReader.environmentName(for: "oidm.breaker.open_s") == "OMS_OIDM_BREAKER_OPEN_S")
    }

    @Test func fileValuesAndEnvironmentOverrides() throws {
        let reader = try ConfigReader(yaml: "a:\n  b: 1\n  c: text\nlist: [x, y]", environment: ["OMS_A_B": "2"])
        #expect(try reader.int("a.b", default: 0, in: 0...10) == 2)
        #expect(try reader.string("a.c") == "text")
        #expect(try reader.stringList("list") == ["x", "y"])
        #expect(try reader.int("a.missing", default: 7, in: 0...10) == 7)
        try reader.checkNoUnknownKeys()
    }

    @Test func unknownKeysAreReported() throws {
        let reader = try ConfigReader(yaml: "a:\n  b: 1\n  typo: 2\n")
        _ = try reader.int("a.b", default: 0, in: 0...10)
        #expect(throws: ConfigError.self) { try reader.checkNoUnknownKeys() }
        do {
            try reader.checkNoUnknownKeys()
        } catch {
            #expect(error.key == "a.typo")
        }
    }

    @Test func emptySectionIsNotUnknown() throws {
        let reader = try ConfigReader(yaml: "oidm:\n")
        _ = try reader.string("oidm.url")
        try reader.checkNoUnknownKeys()
    }

    @Test(arguments: [
        ("a: [1, 2", "(inline)"),                // not YAML
        ("- a\n- b", "(inline)"),                // not a mapping at the top
        ("a: 1\na: 2", "(inline)"),              // duplicate key (Yams refuses it)
    ])
    func hostileFilesAreRefused(_ yaml: String, _ key: String) {
        do {
            _ = try ConfigReader(yaml: yaml)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.key == key)
        }
    }

    @Test func aliasExpansionIsBounded() {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for (name, previous) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"), ("f", "e"), ("g", "f")] {
            yaml += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
        }
        let started = ContinuousClock.now
        do {
            _ = try ConfigReader(yaml: yaml)
            Issue.record("a billion-laughs file was accepted")
        } catch {
            #expect(error.message.contains("more than 100000 values"))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
        // Small, honest aliases are plain YAML and fine.
        #expect(throws: Never.self) { try ConfigReader(yaml: "a: &x 1\nb: *x") }
    }

    @Test func hugeFilesAreRefused() {
        let yaml = "list: [" + Array(repeating: "1", count: 100_001).joined(separator: ",") + "]"
        #expect(throws: ConfigError.self) { try ConfigReader(yaml: yaml) }
    }

    @Test func typedValuesAreChecked() throws {
        let reader = try ConfigReader(yaml: "n: ten\nb: maybe\nu: not a url\nd: 1e400\nc: PUT\ne: ' '")
        #expect(throws: ConfigError.self) { try reader.int("n", default: 0, in: 0...10) }
        #expect(throws: ConfigError.self) { try reader.bool("b", default: false) }
        #expect(throws: ConfigError.self) { try reader.httpURL("u") }
        #expect(throws: ConfigError.self) { try reader.double("d", default: 0, in: 0...10) }
        #expect(throws: ConfigError.self) { try reader.choice("c", default: "get", allowed: ["get", "post"]) }
        #expect(throws: ConfigError.self) { try reader.nonEmptyString("e") }
    }

    @Test func listsOfMappings() throws {
        let reader = try ConfigReader(yaml: "routes:\n  - prefix: /a\n    scopes: [x]\n  - prefix: /b\n    extra: 1\n")
        let routes = try reader.mappingList("routes")
        #expect(routes.count == 2)
        #expect(try routes[0].string("prefix") == "/a")
        #expect(try routes[0].stringList("scopes") == ["x"])
        #expect(try routes[1].string("prefix") == "/b")
        do {
            try reader.checkNoUnknownKeys()
            Issue.record("routes[1].extra was not reported")
        } catch {
            #expect(error.key == "routes[1].extra")
        }
    }
}

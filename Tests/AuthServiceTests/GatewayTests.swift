import Curl
import Foundation
import JOSE
import Testing
@testable import AuthService

/// The whole path: a real nginx running the shipped nginx-conf, `oms auth`, the OIDM emulator
/// and an echo backend standing in for the protected services.
@Suite(.serialized) struct GatewayTests {
    func withGateway(
        emulatorDelayMs: Int = 0,
        configure: (inout AuthConfiguration) -> Void = { _ in },
        _ body: (AuthStack) async throws -> Void
    ) async throws {
        try await AuthStack.withGateway(emulatorDelayMs: emulatorDelayMs, configure: configure, body)
    }

    func lines(_ response: CurlResponse) -> [String: String] {
        var fields: [String: String] = [:]
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    @Test func aValidTokenReachesTheBackendWithItsIdentity() async throws {
        try await withGateway { stack in
            let response = try await stack.gateway("/v1/documents/42?x=1", token: try stack.issuer.token(), headers: [("X-Request-Id", "req-123")])
            #expect(response.status == 200)
            let seen = lines(response)
            #expect(seen["subject"] == "alice")
            #expect(seen["domain"] == "retail")
            #expect(seen["scope"] == "documents.read")
            #expect(seen["client"] == "portal")
            #expect(seen["request_id"] == "req-123")
            #expect(response.header("X-Request-Id") == "req-123")
            #expect(seen["uri"] == "/v1/documents/42?x=1")
        }
    }

    @Test func theSOAPBridgeRoutesAreProtectedToo() async throws {
        try await withGateway { stack in
            #expect(try await stack.gateway("/thunderhead/v1/batches/1", token: nil).status == 401)
            let through = try await stack.gateway("/thunderhead/v1/batches/1", token: try stack.issuer.token(), headers: [("X-Auth-Subject", "root")])
            #expect(through.status == 200)
            #expect(lines(through)["uri"] == "/thunderhead/v1/batches/1")
            #expect(lines(through)["subject"] == "alice")
        }
    }

    @Test func identityHeadersFromTheClientAreReplaced() async throws {
        try await withGateway { stack in
            let response = try await stack.gateway("/v1/documents", token: try stack.issuer.token(), headers: [
                ("X-Auth-Subject", "root"), ("x-auth-scope", "admin"), ("X-Auth-Domain", "wholesale"), ("X-Auth-Client", "evil"),
            ])
            #expect(response.status == 200)
            let seen = lines(response)
            #expect(seen["subject"] == "alice")
            #expect(seen["scope"] == "documents.read")
            #expect(seen["domain"] == "retail")
            #expect(seen["client"] == "portal")
        }
    }

    func challenges(_ response: CurlResponse) -> [String] {
        response.headers.filter { $0.name.lowercased() == "www-authenticate" }.map(\.value)
    }

    @Test func deniedRequestsCarryOneRFC6750ChallengeAndAJSONBody() async throws {
        try await withGateway { stack in
            let none = try await stack.gateway("/v1/documents", token: nil)
            #expect(none.status == 401)
            #expect(challenges(none) == ["Bearer realm=\"oms\""])
            #expect(none.header("Content-Type") == "application/json")
            let bad = try await stack.gateway("/v1/documents", token: try stack.issuer.token(["aud": "x"]))
            #expect(bad.status == 401)
            #expect(challenges(bad) == ["Bearer realm=\"oms\", error=\"invalid_token\""])
            #expect(String(decoding: bad.body, as: UTF8.self) == "{\"error\":\"unauthorized\"}\n")
            let scope = try await stack.gateway("/v1/admin/users", token: try stack.issuer.token())
            #expect(scope.status == 403)
            #expect(challenges(scope) == ["Bearer realm=\"oms\", error=\"insufficient_scope\", scope=\"admin\""])
            #expect(String(decoding: scope.body, as: UTF8.self) == "{\"error\":\"insufficient_scope\"}\n")
            #expect(scope.header("X-Request-Id")?.count == 32)
        }
    }

    @Test func aClientCannotChooseThePathThatAuthSees() async throws {
        try await withGateway { stack in
            let token = try stack.issuer.token()
            let spoofed = try await stack.gateway("/v1/admin/users", token: token, headers: [("X-Original-URI", "/v1/documents"), ("X-Original-Method", "GET")])
            #expect(spoofed.status == 403)
            let dotted = try await stack.gateway("/v1/documents/../admin/users", token: token)
            #expect(dotted.status == 403)
            let encoded = try await stack.gateway("/v1/documents/%2e%2e/admin/users", token: token)
            #expect(encoded.status == 403)
            let write = try await stack.gateway("/v1/documents/1", token: token, method: "DELETE")
            #expect(write.status == 403)
        }
    }

    @Test func generatedRequestIDsWhenTheClientSentNoneOrJunk() async throws {
        try await withGateway { stack in
            let token = try stack.issuer.token()
            let generated = lines(try await stack.gateway("/v1/documents", token: token))["request_id"] ?? ""
            #expect(generated.count == 32 && generated.allSatisfy(\.isHexDigit), "\(generated)")
            let junk = lines(try await stack.gateway("/v1/documents", token: token, headers: [("X-Request-Id", "a b\"c")]))["request_id"] ?? ""
            #expect(junk.count == 32 && junk.allSatisfy(\.isHexDigit), "\(junk)")
        }
    }

    @Test func oidmDownMeans401NotAServerError() async throws {
        try await withGateway { stack in
            await stack.stopEmulator()
            let response = try await stack.gateway("/v1/documents", token: try stack.issuer.token())
            #expect(response.status == 401)
        }
    }

    @Test func authServiceDownNeverLetsARequestThrough() async throws {
        try await withGateway { stack in
            await stack.role.stop()
            let response = try await stack.gateway("/v1/documents", token: try stack.issuer.token())
            #expect(!(200..<300).contains(response.status), "\(response.status)")
        }
    }

    @Test func oidmSlowerThanItsTimeoutMeans401() async throws {
        try await withGateway(emulatorDelayMs: 6000, configure: { $0.oidm.timeoutMs = 1000 }) { stack in
            let started = ContinuousClock.now
            let response = try await stack.gateway("/v1/documents", token: try stack.issuer.token())
            #expect(response.status == 401)
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test func aTokenRevokedAtOIDMIsRefusedThoughItsSignatureIsFine() async throws {
        try await withGateway { stack in
            let token = try stack.issuer.token()
            try await stack.oidmAdmin("/admin/revoke", ["token": .string(token)])
            #expect(try await stack.gateway("/v1/documents", token: token).status == 401)
            #expect(try await stack.gateway("/v1/documents", token: try stack.issuer.token()).status == 200)
        }
    }

    @Test func fiftyConcurrentFirstRequestsThroughNginxMakeOneOIDMCall() async throws {
        try await withGateway(emulatorDelayMs: 300) { stack in
            let token = try stack.issuer.token()
            let before = try await stack.oidmValidations()
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<50 { group.addTask { try await stack.gateway("/v1/documents", token: token).status } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 50 && statuses.allSatisfy { $0 == 200 }, "\(statuses)")
            #expect(try await stack.oidmValidations() - before == 1)
        }
    }
}

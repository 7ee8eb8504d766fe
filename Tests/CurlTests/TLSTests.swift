import Curl
import TestSupport
import Testing
import TLS

extension CurlTests {
    /// HTTPS through nginx with the test CA's certificate for localhost and 127.0.0.1, in
    /// front of the test server; the second front asks for a client certificate.
    @Suite struct TLSTests {
        func withFronts(_ body: (TestPKI, TLSFront, TLSFront) async throws -> Void) async throws {
            let pki = try TestPKI()
            let server = try await TestHTTPServer.start()
            let front = try await TLSFront(.https(upstream: server.port, clientCertificate: false), pki: pki)
            let mutual = try await TLSFront(.https(upstream: server.port, clientCertificate: true), pki: pki)
            do {
                try await body(pki, front, mutual)
            } catch {
                front.stop(); mutual.stop()
                try await server.stop()
                throw error
            }
            front.stop(); mutual.stop()
            try await server.stop()
        }

        @Test func verifiesWithTheGivenCAAndRefusesWithout() async throws {
            try await withFronts { pki, front, _ in
                try await withClient { client in
                    let url = "https://localhost:\(front.port)/hello"
                    let trusted = try await client.execute(CurlRequest(url: url, tls: TLSSettings(caFile: pki.caFile)))
                    #expect(trusted.status == 200 && trusted.text == "hello world")
                    // The system store does not know the test CA; another CA is no better.
                    for settings in [TLSSettings(), TLSSettings(caFile: pki.otherCAFile)] {
                        let error = await curlError(client, CurlRequest(url: url, tls: settings))
                        #expect(error?.code == .tls && error?.message.hasPrefix("tls: ") == true, "\(String(describing: error))")
                    }
                    // Skipping verification (local tests only) connects whatever the CA.
                    let insecure = try await client.execute(CurlRequest(url: url, tls: TLSSettings(insecureSkipVerify: true)))
                    #expect(insecure.status == 200)
                }
            }
        }

        @Test func theServerNameIsWhatIsVerified() async throws {
            try await withFronts { pki, front, _ in
                try await withClient { client in
                    // The certificate does not name 127.0.0.2: the name given is what is checked.
                    let url = "https://127.0.0.2:\(front.port)/echo"
                    let misnamed = await curlError(client, CurlRequest(url: "https://localhost:\(front.port)/echo", tls: TLSSettings(caFile: pki.caFile, serverName: "other.example")))
                    #expect(misnamed?.code == .tls, "\(String(describing: misnamed))")
                    let named = try await client.execute(CurlRequest(url: "https://127.0.0.1:\(front.port)/echo", tls: TLSSettings(caFile: pki.caFile, serverName: "localhost")))
                    #expect(named.status == 200)
                    // The connection still goes to the URL's address (nginx listens on 127.0.0.1 only).
                    let unreachable = await curlError(client, CurlRequest(url: url, timeout: .seconds(2), tls: TLSSettings(caFile: pki.caFile, serverName: "localhost")))
                    #expect(unreachable?.code == .couldNotConnect, "\(String(describing: unreachable))")
                    // A name that is no host name is refused before anything is sent.
                    let bad = await curlError(client, CurlRequest(url: "https://127.0.0.1:\(front.port)/", tls: TLSSettings(serverName: "bad name/x")))
                    #expect(bad?.code == .invalidRequest, "\(String(describing: bad))")
                }
            }
        }

        @Test func aClientCertificateIsPresentedWhenAsked() async throws {
            try await withFronts { pki, _, mutual in
                try await withClient { client in
                    let url = "https://localhost:\(mutual.port)/hello"
                    let withCertificate = try await client.execute(CurlRequest(url: url, tls: TLSSettings(caFile: pki.caFile, certFile: pki.clientCert, keyFile: pki.clientKey)))
                    #expect(withCertificate.status == 200 && withCertificate.text == "hello world")
                    // nginx answers 400 to a request without one, and to a foreign one; the
                    // connection that presented one is not reused for settings that have none.
                    let without = try await client.execute(CurlRequest(url: url, tls: TLSSettings(caFile: pki.caFile)))
                    #expect(without.status == 400)
                    let foreign = try await client.execute(CurlRequest(url: url, tls: TLSSettings(caFile: pki.caFile, certFile: pki.strangerCert, keyFile: pki.strangerKey)))
                    #expect(foreign.status == 400)
                }
            }
        }
    }
}

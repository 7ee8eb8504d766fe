import Curl
import Foundation
import Logging

/// What `oms dev` says once every role listens: it seeds the demo reference data, mints a
/// token, and prints where everything is and what to try. On stderr: stdout carries the JSON
/// log lines, which a script sends to a file.
struct DevAnnouncement {
    let stack: DevStack
    let keyMade: Bool
    let logger: Logger

    func announce() async {
        let dev = stack.dev
        let token: String
        do {
            token = try DevKeys.token(stack)
        } catch {
            logger.error("could not mint the demo token", metadata: ["error": .string("\(error)")])
            return
        }
        let http = CurlClient()
        // The demo request below needs an allowed source and an enrichment (PUT replaces: the
        // seeding is the same on every start). Refdata checks the token, as for anyone.
        let refdata = dev.url(dev.ports.refdata) + "/refdata/v1"
        for (path, body) in [("/sources/crm", #"{"allowed": true}"#), ("/enrichment/invoice", #"{"batchConfigResID": 7001, "projectID": 12}"#)] {
            let answer = try? await http.execute(CurlRequest(
                url: refdata + path, method: "PUT", headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")],
                body: Array(body.utf8), timeout: .seconds(5)
            ))
            if answer.map({ (200..<300).contains($0.status) }) != true {
                logger.warning("could not seed the demo reference data", metadata: ["path": .string(path), "status": .string(answer.map { "\($0.status)" } ?? "no answer")])
            }
        }
        await http.shutdown()
        FileHandle.standardError.write(Data(text(token: token).utf8))
    }

    func text(token: String) -> String {
        let dev = stack.dev
        let gateway = dev.gatewayURL
        let oms = CommandLine.arguments.first ?? "oms"
        return """

            OMS Edge is running in one process (JSON logs on stdout; data in \(stack.folder)):
              oms auth          \(dev.url(dev.ports.auth))   (auth_request: GET /auth)
              OIDM emulator     \(dev.url(dev.ports.oidm))
              oms soap-bridge   \(dev.url(dev.ports.soapBridge))   (REST/JSON → Thunderhead SOAP)
                                \(dev.url(dev.ports.conformanceBridge))   (the same, its Thunderhead the attack suite's echo :\(dev.ports.conformanceEcho))
              Thunderhead       \(dev.url(dev.ports.thunderhead))/thunderhead/services/JobAPIWebWrapped?wsdl
              oms refdata       \(dev.url(dev.ports.refdata))   (\(dev.redisURL.map { "Redis \($0)" } ?? "no Redis: reads go to the database"))
              oms core          \(dev.url(dev.ports.core))   (operator page /ops; \(dev.kafkaBrokers.isEmpty ? "no Kafka: final statuses stay in the outbox" : "final statuses to Kafka \(dev.kafkaBrokers.joined(separator: ",")) topic \(dev.kafkaTopic)"))
              each role: /healthz /readyz /metrics; everything else needs a bearer token, checked by the role itself
              the core calls refdata and the bridge as \(DevStack.coreClient) (client credentials at the OIDM emulator)
            \(keyMade ? "A signing key was made" : "The signing key is") in \(stack.folder)/keys (kid \(DevStack.keyID), issuer \(DevStack.issuer)).

            A token for alice (documents.read documents.write refdata.read refdata.admin operator, one hour):
              TOKEN=\(token)

            Through the gateway (nginx with nginx-conf/ at \(gateway)):
              curl -i -H "Authorization: Bearer $TOKEN" \(gateway)/v1/documents/42        # 200
              curl -i \(gateway)/v1/documents/42                                            # 401
              curl -i -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -H 'Idempotency-Key: demo-1' \\
                   -X POST \(gateway)/v1/requests -d '{"source": "crm", "documentType": "invoice", "data": {"customer": 42}}'   # 202 {id, status}
              curl -s -H "Authorization: Bearer $TOKEN" \(gateway)/v1/requests/ID         # RECEIVED … COMPLETED
              curl -i -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -X POST \(gateway)/thunderhead/v1/batches \\
                   -d '{"batchConfigResID": 7001, "batchName": "demo", "projectID": 12, "transactionData": {"customer": 42}}'   # 201
              curl -i -H "Authorization: Bearer $TOKEN" \(gateway)/refdata/v1/sources/crm  # 200
              curl -s -H "Authorization: Bearer $TOKEN" \(gateway)/ops                     # the operator page (scope operator)

            The operator console in a browser: \(gateway)/ops
              sign in on the OIDM emulator's form as \(DevStack.operatorUser), password \(DevStack.operatorPassword) (OMS_DEV_PASSWORD)

            The attack suite against the gateway, and the SOAP bridge's cases against the second bridge:
              \(oms) conformance --cases \(CaseCatalogLocation.find()) --gateway \(gateway) --valid-token "$TOKEN" --jwks \(stack.jwksFile) \\
                   --signing-key \(stack.privateKeyFile) --kid \(DevStack.keyID) --alg ES256 --oidm-admin \(dev.url(dev.ports.oidm)) \\
                   --route POST:/v1/documents/conformance:documents.write --out \(stack.folder)/conformance
              \(oms) conformance --cases \(CaseCatalogLocation.find()) --gateway \(gateway) --valid-token "$TOKEN" --category soap-bridge \\
                   --soap-bridge \(dev.url(dev.ports.conformanceBridge)) --echo-listen \(dev.host):\(dev.ports.conformanceEcho) --out \(stack.folder)/conformance-bridge

            Ctrl-C stops everything.

            """
    }
}

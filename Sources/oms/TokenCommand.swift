import ArgumentParser
import Foundation
import JOSE
import JSON

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Work with test tokens.",
        subcommands: [Mint.self]
    )

    struct Mint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a JWT with a private key and print it.",
            discussion: """
                iat is set to now and exp to now + --ttl unless --claims sets them. Example: \
                oms token mint --key keys/private.pem --kid k1 --alg ES256 \
                --claims '{"iss":"https://idp.example","aud":"oms","sub":"alice","domain":"retail","scope":"documents.read"}'
                """
        )

        @Option(help: "Private key PEM file (from `oms keys generate`).")
        var key: String
        @Option(help: "Key id to put in the header.")
        var kid: String
        @Option(help: "Signing algorithm.")
        var alg: String = "ES256"
        @Option(help: "Claims as a JSON object.")
        var claims: String = "{}"
        @Option(help: "Lifetime in seconds (sets exp).")
        var ttl: Int = 3600
        @Option(help: "How many tokens to print, one a line, each with its own jti (for load tests).")
        var count: Int = 1

        func run() throws {
            guard let algorithm = JWSAlgorithm(rawValue: alg) else {
                throw ValidationError("--alg: unknown algorithm \(alg)")
            }
            guard let pem = try? String(contentsOfFile: key, encoding: .utf8) else {
                throw ValidationError("--key: cannot read \(key)")
            }
            guard case .object(var object) = try StrictJSON.parse(Array(claims.utf8)) else {
                throw ValidationError("--claims must be a JSON object")
            }
            let now = Date().timeIntervalSince1970.rounded(.down)
            if object["iat"] == nil { object["iat"] = .number(now) }
            if object["exp"] == nil { object["exp"] = .number(now + Double(ttl)) }
            guard (1...10_000_000).contains(count) else { throw ValidationError("--count must be between 1 and 10000000") }
            let signer = try JWSSigner(privateKeyPEM: pem, algorithm: algorithm, keyID: kid)
            if count == 1 {
                print(try signer.sign(claims: object))
                return
            }
            var lines = ""
            for index in 0..<count {
                object["jti"] = .string("load-\(index)")
                lines += try signer.sign(claims: object) + "\n"
                if lines.utf8.count > 1 << 20 {
                    FileHandle.standardOutput.write(Data(lines.utf8))
                    lines = ""
                }
            }
            FileHandle.standardOutput.write(Data(lines.utf8))
        }
    }
}

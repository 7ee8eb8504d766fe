import ArgumentParser
import Foundation
import JOSE
import JSON

struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage signing keys.",
        subcommands: [Generate.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a signing key pair: DIR/private.pem (PKCS#8, mode 0600) and DIR/jwks.json.",
            discussion: "With --append the new public key joins the keys already in DIR/jwks.json (key rotation)."
        )

        @Option(help: "Algorithm: RS256…RS512, PS256…PS512, ES256, ES384, ES512 or EdDSA.")
        var alg: String = "ES256"
        @Option(help: "Key id (kid) to publish in the JWKS.")
        var kid: String
        @Option(help: "Output folder (created when missing).")
        var out: String
        @Flag(help: "Add the public key to an existing jwks.json instead of replacing it.")
        var append = false

        func run() throws {
            guard let algorithm = JWSAlgorithm(rawValue: alg), !alg.hasPrefix("HS") else {
                throw ValidationError("--alg must be one of \(JWSAlgorithm.allCases.filter { !$0.rawValue.hasPrefix("HS") }.map(\.rawValue).joined(separator: ", "))")
            }
            guard !kid.isEmpty else { throw ValidationError("--kid must not be empty") }
            let pair = try SigningKeyPair.generate(algorithm: algorithm)
            let (keyPath, jwksPath): (String, String)
            do {
                (keyPath, jwksPath) = try SigningKeyFiles.write(pair, kid: kid, folder: out, append: append)
            } catch let error as SigningKeyFiles.WriteError {
                throw ValidationError(error.description)
            }
            print("wrote \(keyPath) and \(jwksPath) (kid \(kid), \(algorithm.rawValue))")
        }
    }
}

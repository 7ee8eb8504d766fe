import Foundation
import JOSE
import JSON

/// A signing key pair on disk: `private.pem` (PKCS#8, mode 0600) and `jwks.json` beside it.
enum SigningKeyFiles {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// Writes `pair` into `folder` (created when missing). With `append`, the public key joins
    /// the keys already in `jwks.json` (one of the same kid is replaced), for key rotation.
    static func write(_ pair: SigningKeyPair, kid: String, folder: String, append: Bool = false) throws -> (key: String, jwks: String) {
        let url = URL(fileURLWithPath: folder)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let keyPath = url.appendingPathComponent("private.pem").path
        guard FileManager.default.createFile(atPath: keyPath, contents: Data(pair.privateKeyPEM.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw WriteError(description: "cannot write \(keyPath)")
        }
        let jwksURL = url.appendingPathComponent("jwks.json")
        var keys: [JSONValue] = []
        if append, let existing = FileManager.default.contents(atPath: jwksURL.path) {
            guard case .array(let list)? = try StrictJSON.parse(Array(existing))["keys"] else {
                throw WriteError(description: "\(jwksURL.path) is not a JWKS ({\"keys\": […]})")
            }
            keys = list.filter { $0["kid"]?.stringValue != kid }
        }
        keys.append(pair.publicJWK(keyID: kid))
        try Data((JSONValue.object(["keys": .array(keys)]).serialized() + "\n").utf8).write(to: jwksURL)
        return (keyPath, jwksURL.path)
    }
}

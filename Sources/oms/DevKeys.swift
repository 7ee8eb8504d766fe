import Foundation
import JOSE
import JSON

/// The dev issuer's signing key: made on first use, kept in `<dir>/keys` after that, so that
/// tokens minted earlier stay valid across restarts.
enum DevKeys {
    /// Creates the folder and, when missing, the key pair; true when a key was made.
    static func ensure(_ stack: DevStack) throws -> Bool {
        try FileManager.default.createDirectory(atPath: stack.folder, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: stack.sessionKeyFile) {
            // The key that seals browser sessions; kept, so a restart keeps people signed in.
            try FileManager.default.createDirectory(atPath: "\(stack.folder)/keys", withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: stack.sessionKeyFile, contents: Data(Data(RandomBytes.make(32)).base64EncodedString().utf8), attributes: [.posixPermissions: 0o600])
        }
        if FileManager.default.fileExists(atPath: stack.privateKeyFile) && FileManager.default.fileExists(atPath: stack.jwksFile) { return false }
        let pair = try SigningKeyPair.generate(algorithm: .es256)
        _ = try SigningKeyFiles.write(pair, kid: DevStack.keyID, folder: "\(stack.folder)/keys")
        return true
    }

    /// A token for alice with every scope the dev routes ask for, valid for `ttl` seconds.
    static func token(_ stack: DevStack, ttl: Int = 3600) throws -> String {
        let pem = try String(contentsOfFile: stack.privateKeyFile, encoding: .utf8)
        let now = Date().timeIntervalSince1970.rounded(.down)
        let signer = try JWSSigner(privateKeyPEM: pem, algorithm: .es256, keyID: DevStack.keyID)
        return try signer.sign(claims: [
            "iss": .string(DevStack.issuer), "aud": .string("oms"), "sub": .string("alice"), "domain": .string(DevStack.domain),
            "scope": .string("documents.read documents.write refdata.read refdata.admin operator"), "client_id": .string("demo"),
            "iat": .number(now), "exp": .number(now + Double(ttl)),
        ])
    }
}

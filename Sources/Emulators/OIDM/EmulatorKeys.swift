import Foundation
import JOSE
import Synchronization

/// The keys the emulator trusts, from a JWKS file. A token naming a `kid` it does not know
/// makes it read the file again, so keys can be rotated by rewriting the file.
final class EmulatorKeys: Sendable {
    private let file: String
    private let verifier: Mutex<JWSVerifier>

    init(file: String) throws(OIDMEmulator.LoadError) {
        self.file = file
        self.verifier = Mutex(try Self.load(file))
    }

    func verify(_ token: String) throws(JOSEError) -> VerifiedJWS {
        let current = verifier.withLock { $0 }
        do {
            return try current.verify(token)
        } catch where error.code == .unknownKey {
            guard let fresh = try? Self.load(file) else { throw error }
            verifier.withLock { $0 = fresh }
            return try fresh.verify(token)
        }
    }

    private static func load(_ file: String) throws(OIDMEmulator.LoadError) -> JWSVerifier {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw OIDMEmulator.LoadError(description: "jwks.file \(file): cannot read the file")
        }
        do {
            let keys = try JWKS(json: Array(data), allowSymmetric: true)
            return JWSVerifier(keys: keys, algorithms: Set(JWSAlgorithm.allCases))
        } catch {
            throw OIDMEmulator.LoadError(description: "jwks.file \(file): \(error)")
        }
    }
}

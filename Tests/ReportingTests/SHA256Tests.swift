import Foundation
import Testing
@testable import Reporting

@Suite("SHA-256")
struct SHA256Tests {
    /// FIPS 180-2 appendix B test vectors.
    @Test("FIPS 180 test vectors", arguments: [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        // 56 bytes: the padding spills into a second block.
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        // 112 bytes: two full blocks of message.
        ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
    ])
    func vectors(message: String, digest: String) {
        #expect(SHA256.hex(Array(message.utf8)) == digest)
    }

    @Test("feeding bytes in pieces gives the same digest as all at once")
    func incremental() {
        let message = Array((0..<1000).map { UInt8($0 % 251) })
        var hasher = SHA256()
        hasher.update(message[..<7]); hasher.update(message[7..<500]); hasher.update(message[500...])
        #expect(hasher.finalize().map { String(format: "%02x", $0) }.joined() == SHA256.hex(message))
    }

    @Test("a file's digest equals the digest of its bytes")
    func file() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sha-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        #expect(try SHA256.hex(ofFile: path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(throws: (any Error).self) { try SHA256.hex(ofFile: path + ".missing") }
    }
}

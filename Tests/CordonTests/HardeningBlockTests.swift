import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Block detectors (private keys from a BEGIN line to an END line) under floods of their
/// headers: every scan finishes or fails closed, and a real key after the flood is still found.
@Suite("Hardening: block detectors")
struct HardeningBlockTests {
    /// The header of every block-shaped built-in detector, as an adversary repeats it.
    static let headers: [(name: String, header: String)] = [
        ("PGP private key block", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n"),
        ("PEM PKCS#8", "-----BEGIN PRIVATE KEY-----\n"),
        ("PEM RSA", "-----BEGIN RSA PRIVATE KEY-----\n"),
        ("PEM EC", "-----BEGIN EC PRIVATE KEY-----\n"),
        ("PEM DSA", "-----BEGIN DSA PRIVATE KEY-----\n"),
        ("PEM encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"),
        ("OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\n"),
        ("PEM in a JSON string", "\\n-----BEGIN RSA PRIVATE KEY-----\\n"),
        ("PEM prefixed by a comment", "# -----BEGIN EC PRIVATE KEY-----\n"),
        ("PEM header with a body line", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAzEBTMj0x0vAdSnnzjv+cPCWOoamAANlHB9X1\n"),
        ("PEM with a mismatched END", "-----BEGIN RSA PRIVATE KEY-----\n-----END EC PRIVATE KEY-----\n"),
        ("base64-encoded PEM", "LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQ+"),
        ("PuTTY", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"),
        ("PuTTY with Private- words", "PuTTY-User-Key-File-2: ssh-rsa\nPrivate-Lines: 1\n"),
        ("Kubernetes Secret", "kind: Secret\ndata:\n  tls.key: "),
        ("JWK", #"{"kty":"EC","crv":"P-256","d":"#),
        ("JWK escaped", #"{\"kty\":\"oct\",\"k\":\""#),
    ]

    /// A fake PEM key (random base64 body, not a key) that private-key-pem reports.
    static let realKey: String = {
        var random = SeededGenerator(seed: 16)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let lines = (0..<6).map { _ in String((0..<64).map { _ in alphabet[Int(random.next() % 64)] }) }
        return "-----BEGIN RSA PRIVATE KEY-----\n" + lines.joined(separator: "\n") + "\n-----END RSA PRIVATE KEY-----\n"
    }()

    /// `header` repeated to `size` bytes, then a real key.
    static func flood(_ header: String, size: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + 1024)
        let unit = Array(header.utf8)
        while bytes.count < size { bytes += unit }
        // Prose between the flood and the key: a PEM body holds no '.', so no flood header's
        // search runs into the key (that a stray BEGIN line within 16 KiB before a key can hide it
        // is a detection limit of the pattern, the same in the reference scan).
        bytes += Array(("\nThe key follows.\n" + realKey).utf8)
        return bytes
    }

    @Test("Block terminators are read from the built-in patterns, and only where certain")
    func terminators() {
        let byID = Dictionary(uniqueKeysWithValues: Fixtures.builtInEngine.compiled.map { ($0.id, $0.terminator) })
        #expect(byID["pgp-private-key-block"]??.literal == Array("-----END PGP PRIVATE KEY BLOCK-----".utf8))
        #expect(byID["private-key-pem"]??.literal == Array("-----END ".utf8))
        #expect(byID["openssh-private-key"]??.literal == Array("-----END OPENSSH PRIVATE KEY-----".utf8))
        #expect(byID["putty-private-key"]??.literal == Array("Private-".utf8))
        // The partial key needs no END line; a JWK has no block; the base64 PEM's repeat is greedy.
        #expect(byID["private-key-pem-partial"]! == nil)
        #expect(byID["jwk-private-key"]! == nil)
        #expect(byID["private-key-pem-base64"]! == nil)
        // The reach covers the body's bound and the header.
        #expect((byID["pgp-private-key-block"]??.reach ?? 0) >= 65535 + 37)
        // Uncertain readings give no terminator.
        #expect(BlockTerminator(pattern: "(?i)BEGIN.{0,2000}?END") == nil)
        #expect(BlockTerminator(pattern: "BEGIN.{0,2000}?END|other") == nil)
        #expect(BlockTerminator(pattern: "(?:BEGIN.{0,2000}?END)?x") == nil)
        #expect(BlockTerminator(pattern: "BEGIN.*?x.{0,2000}?END") == nil)
        #expect(BlockTerminator(pattern: "(BEGIN)\\1.{0,2000}?ENDING")  == nil)
        #expect(BlockTerminator(pattern: "BEGIN(?=.{0,2000}?END)") == nil)
        #expect(BlockTerminator(pattern: "BEGIN.{0,2000}?END?") == nil, "a literal shorter than 4 bytes once its optional byte is dropped")
        #expect(BlockTerminator(pattern: "BEGIN.{0,2000}?ENDING?")?.literal == Array("ENDIN".utf8), "an optional last byte is dropped")
    }

    @Test("A flood of every block header finishes or fails closed, and the key after it is found", arguments: headers.indices)
    func headerFlood(index: Int) {
        let (name, header) = Self.headers[index]
        let bytes = Self.flood(header, size: 128 * 1024)
        let result = Fixtures.builtInEngine.scan(bytes)
        if result.isComplete {
            let keyStart = bytes.count - Self.realKey.utf8.count
            #expect(
                result.findings.contains { $0.level == .restricted && $0.range.upperBound > keyStart },
                "\(name): the key after the flood is not reported")
        } else {
            // Failing closed is allowed only for the time budget, and names detectors, not input.
            #expect(result.failures.allSatisfy { $0.reason == ScanDeadline.reason }, "\(name): \(result.failures)")
            #expect(!result.failures.description.contains("BEGIN"))
        }
    }

    @Test("With terminators, a flood gives what the reference scan gives", arguments: headers.indices)
    func floodMatchesReference(index: Int) {
        let (name, header) = Self.headers[index]
        let bytes = Self.flood(header, size: 6 * 1024) + Self.flood(header, size: 2 * 1024)
        let (fast, reference) = bytes.withUnsafeBufferPointer {
            (Fixtures.builtInEngine.scan($0), Fixtures.builtInEngine.referenceScan($0))
        }
        #expect(fast.isComplete && reference.isComplete, "\(name)")
        #expect(fast.findings == reference.findings, "\(name)")
    }

    @Test("The time budget stops a detector inside its own search, naming it, not the input")
    func deadlineInsideDetector() throws {
        // One block detector whose END line is always in reach but never completes the match:
        // every header searches 16 KiB. A budget of 50 ms cannot cover 512 KiB of it; before the
        // deadline was read inside a detector, this scan ran to the end and was complete.
        let yaml = #"""
            detectors:
              - id: slow-block
                name: Slow block
                description: A block pattern whose END line never matches.
                category: secret
                level: restricted
                pattern: '(-----BEGIN KEY-----[A-Za-z0-9\s-]{16,16384}?-----END KEY-----[0-9])'
                keywords: ['BEGIN KEY']
                examples: ['-----BEGIN KEY-----aaaaaaaaaaaaaaaaaaaa-----END KEY-----7', '-----BEGIN KEY----- bbbbbbbbbbbbbbbbbbbb -----END KEY-----0']
                negative_examples: ['-----BEGIN KEY-----']
            """#
        let set = try DetectorSet(DetectorSet.parse(yaml: yaml, file: "slow.yaml"))
        let engine = try Engine(set, limits: ScanLimits(timeBudget: .milliseconds(50), timeBudgetPerMegabyte: .zero, decodingDepth: 0))
        let unit = "-----BEGIN KEY-----\n" + String(repeating: "-----END KEY-----\n", count: 1)
        let text = String(repeating: unit, count: 512 * 1024 / unit.utf8.count)
        let result = engine.scan(text)
        #expect(!result.isComplete)
        #expect(result.failures.map(\.detectorID) == ["slow-block"])
        #expect(result.failures.first?.reason == ScanDeadline.reason)
    }
}

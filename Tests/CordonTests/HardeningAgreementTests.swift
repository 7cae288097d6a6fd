import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Nothing skipped silently: `redact` looks at what `scan` looks at, at every size, and no
/// number of decoy values lets a real one through.
@Suite("Hardening: scan and redact agree")
struct HardeningAgreementTests {
    /// A base64-encoded fake GitHub token after `size` bytes of filler words.
    static func encodedToken(after size: Int) -> (bytes: [UInt8], token: String, encoded: String) {
        var fake = FakeSecrets(seed: 77)
        let token = fake.githubToken()
        let encoded = Data("token: \(token)\n".utf8).base64EncodedString()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size + 256)
        let filler = Array("lorem ipsum dolor sit amet\n".utf8)
        while bytes.count < size { bytes += filler }
        bytes += Array("config: \(encoded)\nend\n".utf8)
        return (bytes, token, encoded)
    }

    @Test("redact decodes a message larger than the decoding limit, as scan does")
    func redactDecodesLargeMessages() throws {
        // A decoding limit of 1 MiB stands for the default 16 MiB: before, a message above it was
        // scanned without its decoded layers by redact (scan streams it in windows and decoded
        // them), so the encoded token went out.
        let limits = ScanLimits(timeBudget: .seconds(3600), maximumDecodedInput: 1 << 20, window: 512 << 10, windowOverlap: 64 << 10)
        let engine = try Engine(DetectorSet.builtIn(), limits: limits)
        let (bytes, _, encoded) = Self.encodedToken(after: 3 << 19)
        let scan = engine.scan(bytes)
        #expect(scan.isComplete)
        #expect(scan.findings.contains { $0.layer == "base64" && $0.level == .restricted })
        let redaction = engine.redact(bytes)
        #expect(redaction.scan.isComplete)
        let output = String(decoding: redaction.bytes, as: UTF8.self)
        #expect(!output.contains(encoded))
        // A stream of the same bytes finds the same encoded value.
        var position = 0
        let streamed = engine.scan(reading: { buffer in
            let count = min(buffer.count, bytes.count - position)
            bytes[position..<(position + count)].withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[...])) }
            position += count
            return count
        })
        #expect(Set(streamed.findings.filter { $0.layer != nil }.map(\.range)) == Set(scan.findings.filter { $0.layer != nil }.map(\.range)))
    }

    @Test("The default window is below the default decoding limit, so every message is decoded")
    func defaultWindowDecodes() {
        #expect(ScanLimits.default.window <= ScanLimits.default.maximumDecodedInput)
        #expect(ScanLimits.default.windowOverlap / 2 >= 65_535 + 128, "half the overlap holds a whole PGP key block")
    }

    @Test("A window above the decoding limit makes the scan incomplete instead of skipping decoding")
    func windowAboveDecodingLimitFailsClosed() throws {
        let limits = ScanLimits(maximumDecodedInput: 64 << 10, window: 1 << 20, windowOverlap: 64 << 10)
        let engine = try Engine(DetectorSet.builtIn(), limits: limits)
        let (bytes, _, _) = Self.encodedToken(after: 100_000)
        let result = engine.scan(bytes)
        #expect(!result.isComplete)
        #expect(result.failures.contains { $0.detectorID == "decoding" })
    }

    @Test("300 decoy assignments do not keep a real value from being found where it stands alone")
    func decoysDoNotExhaustPropagation() throws {
        var random = SeededGenerator(seed: 300)
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789")
        func value() -> String { String((0..<14).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }) }
        var text = ""
        for _ in 0..<300 { text += "password=\(value())\n" }
        let real = value()
        text += "password=\(real)\n"
        text += "later, log in with \(real) on the console\n"
        let engine = try Engine(DetectorSet.builtIn(), limits: ScanLimits(timeBudget: .seconds(3600)))
        let result = engine.scan(text)
        #expect(result.isComplete)
        let bytes = Array(text.utf8)
        let standalone = bytes.count - " on the console\n".utf8.count - real.utf8.count
        let assigned = result.findings.filter { $0.level == .restricted }.count
        #expect(assigned >= 301, "every assignment is found: \(assigned)")
        #expect(
            result.findings.contains { $0.range == standalone..<(standalone + real.utf8.count) },
            "the real value where it stands alone")
        let redacted = String(decoding: engine.redact(text).bytes, as: UTF8.self)
        #expect(!redacted.contains(real))
    }
}

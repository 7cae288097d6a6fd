import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Scanning a stream through a bounded window gives the whole-input findings.
@Suite("Streaming")
struct StreamingTests {
    /// The built-in detectors, decoding at any size so whole-input and windowed scans decode
    /// alike, with a time budget no scan here reaches (the comparisons must not depend on the
    /// machine's load).
    static let engine: Engine = {
        do {
            return try Engine(DetectorSet.builtIn(), limits: ScanLimits(timeBudget: .seconds(3600), maximumDecodedInput: .max))
        } catch { fatalError("\(error)") }
    }()

    /// Feeds `bytes` to `scan(reading:)` in reads of at most `chunk` bytes.
    func streamed(_ bytes: [UInt8], window: Int, overlap: Int, chunk: Int = 4096) -> ScanResult {
        var position = 0
        return Self.engine.scan(reading: { buffer in
            let count = min(buffer.count, chunk, bytes.count - position)
            guard count > 0 else { return 0 }
            bytes[position..<(position + count)].withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[...])) }
            position += count
            return count
        }, window: window, overlap: overlap)
    }

    @Test("Corpus samples repeated to 3 MB: windowed findings equal whole-input findings")
    func identityOnCorpus() throws {
        let folder = CordonProcess.repositoryRoot.appending(path: "corpus/samples")
        var bytes: [UInt8] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            bytes += Array(try Data(contentsOf: folder.appending(path: file))) + Array("\n\n".utf8)
        }
        let sample = bytes
        while bytes.count < 3_000_000 { bytes += sample }
        let whole = Self.engine.scan(bytes)
        let windowed = streamed(bytes, window: 256 * 1024, overlap: 64 * 1024)
        #expect(whole.isComplete)
        #expect(whole.findings.count > 1000)
        #expect(windowed.findings == whole.findings)
        #expect(windowed.isComplete)
    }

    @Test("A value straddling a window boundary is found once, with whole-stream offsets, line and column")
    func boundary() throws {
        var fake = FakeSecrets(seed: 41)
        let token = fake.githubToken()
        let window = 64 * 1024
        let overlap = 8 * 1024
        let step = window - overlap
        for position in [step - 20, step + overlap / 2 - 20, step + overlap / 2, window - 20, 2 * step + 3] {
            var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 200_000)
            for index in stride(from: 99, to: bytes.count, by: 100) { bytes[index] = UInt8(ascii: "\n") }
            let start = position - position % 100 + 10  // inside a line, clear of line breaks
            bytes.replaceSubrange((start - 1)..<(start + 41), with: Array(" \(token) ".utf8))
            let findings = streamed(bytes, window: window, overlap: overlap, chunk: 1000).findings
            #expect(findings.map(\.range) == [start..<(start + 40)], "at \(position)")
            #expect(findings.first?.line == start / 100 + 1)
            #expect(findings.first?.column == start % 100 + 1)
            #expect(findings == Self.engine.scan(bytes).findings)
        }
    }

    @Test("An empty stream and a stream shorter than one window")
    func shortStreams() {
        #expect(streamed([], window: 1024, overlap: 256).findings.isEmpty)
        let text = Array("mail jane@acme-corp.io\n".utf8)
        #expect(streamed(text, window: 1024, overlap: 256).findings == Self.engine.scan(text).findings)
    }
}

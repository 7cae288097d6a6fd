import Foundation
import Testing

@testable import Cordon

/// The fast paths — keyword prefilter, keyword windows, parallel file scans — must find exactly
/// what a straightforward scan finds.
@Suite("Fast paths agree with the reference scan")
struct FastPathTests {
    static let engine = BuiltInDetectorTests.engine

    @Test("Every corpus sample: prefiltered, windowed scan equals the reference scan")
    func corpus() throws {
        let folder = CordonProcess.repositoryRoot.appending(path: "corpus/samples")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.count >= 10)
        for file in files {
            let bytes = Array(try Data(contentsOf: folder.appending(path: file)))
            let fast = Self.engine.scan(bytes)
            let reference = bytes.withUnsafeBufferPointer { Self.engine.referenceScan($0) }
            #expect(fast == reference, "\(file): fast and reference scans differ")
        }
    }

    @Test("Corpus samples glued into one large message, and shuffled line by line")
    func glued() throws {
        let folder = CordonProcess.repositoryRoot.appending(path: "corpus/samples")
        var lines: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
            let text = String(decoding: try Data(contentsOf: folder.appending(path: file)), as: UTF8.self)
            lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        var random = SeededGenerator(seed: 21)
        for round in 0..<3 {
            let message = (round == 0 ? lines : lines.shuffled(using: &random)).joined(separator: "\n")
            let fast = Self.engine.scan(message)
            #expect(fast == Self.engine.referenceScan(message), "round \(round)")
            #expect(fast.findings.count > 100)
        }
    }

    @Test("Every detector example: fast scan equals the reference scan")
    func examples() {
        for detector in Self.engine.detectors {
            for example in detector.examples + detector.negativeExamples {
                #expect(Self.engine.scan(example) == Self.engine.referenceScan(example), "\(detector.id)")
            }
        }
    }
}

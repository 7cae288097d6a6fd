import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// The fast paths — keyword prefilter, keyword windows, parallel file scans — must find exactly
/// what a straightforward scan finds.
@Suite("Fast paths agree with the reference scan")
struct FastPathTests {
    static let engine = Fixtures.builtInEngine

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

    @Test("Run-gated detectors: digit and letter soup, fast scan equals the reference scan")
    func runGatedSoup() {
        // Card numbers, phone numbers, IBANs, national ids and base58 strings cut, joined and
        // shifted against each other, so matches start at every distance from a digit run.
        var generator = SeededGenerator(seed: 99)
        let pieces = [
            "4111 1111 1111 1111", "+1 (415) 555-2671", "GB82 WEST 1234 5698 7654 32", "AB 12 34 56 C", "0 98765 43210",
            "(020) 7946 0958", "06 12 34 56 78", "030 12345678", "123-45-6789", "912-70-1234", "2345 6789 0123",
            "1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "\\n1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "DE89370400440532013000",
            "34.117.59.81", "81.2.69.142", "12.3.4.5", "token ", "ssn ", "itin ", "nhs ", "sin: ", "aadhaar ", "pan: ",
            "078051120", "912785678", "943 476 5919", "046 454 286", "234567890123", "ABCPE1234F", "1EG4-TE5-MK73", "yzkvay5ktnfscerl2i2vrlfyhv66cfqn7dj5e5rliro67ohizy7q",
            " ", "-", ".", "\n", "(", "+", "7", "ab", "Z", "\\n",
        ]
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int(generator.next() % 12 + 1) {
                let piece = pieces[Int(generator.next() % UInt64(pieces.count))]
                let cut = Int(generator.next() % UInt64(piece.count + 1))
                text += generator.next() % 3 == 0 ? String(piece.prefix(cut)) : piece
            }
            #expect(Self.engine.scan(text) == Self.engine.referenceScan(text), "\(text.utf8.count) bytes")
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

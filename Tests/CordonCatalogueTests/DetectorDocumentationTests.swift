import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// The built-in table leaves each detector's name, description, examples and references
/// encoded until they are read; such a detector must read, compare, hash and change exactly as
/// one decoded in full.
@Suite("Detector documentation kept encoded")
struct DetectorDocumentationTests {
    /// The built-in detectors as a process gets them (documentation encoded), and the same table
    /// decoded in full.
    static func bothReadings() throws -> (lazy: [Detector], full: [Detector]) {
        let lazy = try DetectorSet.builtIn().detectors
        let full = try EmbeddedDetectorTable.text.withUTF8Buffer { table in
            Result { () throws(DetectorTable.DecodingError) in try DetectorTable.decode(table) }
        }.get()
        return (lazy, full)
    }

    @Test("Every built-in detector reads, compares and hashes as the table decoded in full")
    func sameAsFullDecoding() throws {
        let (lazy, full) = try Self.bothReadings()
        #expect(lazy.count == full.count && lazy.count > 500)
        var examples = 0
        for (a, b) in zip(lazy, full) {
            #expect(a == b, "\(b.id)")
            #expect(a.hashValue == b.hashValue, "\(b.id)")
            #expect(a.name == b.name && a.description == b.description && !a.name.isEmpty, "\(b.id)")
            #expect(a.examples == b.examples && a.negativeExamples == b.negativeExamples, "\(b.id)")
            #expect(a.testValueExamples == b.testValueExamples && a.references == b.references, "\(b.id)")
            examples += a.examples.count
        }
        #expect(examples > 1_000)
        #expect(Set(lazy) == Set(full))
    }

    @Test("Changing one field of an encoded detector's documentation keeps the others, and makes it differ")
    func changingOneField() throws {
        let (lazy, full) = try Self.bothReadings()
        let index = try #require(lazy.indices.first { !lazy[$0].examples.isEmpty && !lazy[$0].references.isEmpty })
        var changed = lazy[index]
        changed.examples.append("one more")
        #expect(changed != full[index])
        #expect(changed.examples == full[index].examples + ["one more"])
        #expect(changed.name == full[index].name && changed.description == full[index].description)
        #expect(changed.negativeExamples == full[index].negativeExamples && changed.references == full[index].references)
        changed.examples.removeLast()
        #expect(changed == full[index] && changed == lazy[index])
        var renamed = lazy[index]
        renamed.name = "Renamed"
        #expect(renamed.name == "Renamed" && renamed.examples == full[index].examples && renamed != lazy[index])
    }
}

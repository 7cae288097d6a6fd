import Testing

@testable import Cordon

/// Issue #13: the decoders' seven block classes share three pairs of nibble tables
/// (``PackedNibbleClasses``). Each class must be read off its pair exactly, whatever the
/// classes packed beside it, and classes must go to a new pair exactly when their bits no
/// longer fit the last one.
@Suite("Packed nibble classes: classes sharing table pairs are each read exactly")
struct PackedNibbleClassesTests {
    /// A class whose rows (high nibbles 0 ..< `rows`) each hold a different set of low
    /// nibbles, shifted by `offset` so that classes overlap: `rows` bits of a pair.
    static func distinctRows(_ rows: Int, offset: Int = 0) -> @Sendable (UInt8) -> Bool {
        { byte in Int(byte >> 4) < rows && (Int(byte & 15) + offset) % 16 <= Int(byte >> 4) }
    }

    @Test("The decoders' classes: three pairs, each class exactly its bytes, all 256 values")
    func decoderClasses() {
        let classes = DecoderMasks.classes
        #expect(classes.pairCount == 3)
        for (index, (plane, isMember)) in DecoderMasksTests.classes.enumerated() {
            #expect(plane.rawValue == index)
            for byte in 0...255 { #expect(classes.contains(UInt8(byte), inClass: index) == isMember(UInt8(byte)), "\(plane) byte \(byte)") }
        }
    }

    @Test("Bits adding up to 7, 8 and 9: one pair, one pair, two pairs; every class exact")
    func packingAtTheLimit() {
        for (first, second, pairCount) in [(3, 4, 1), (3, 5, 1), (4, 5, 2), (8, 1, 2), (1, 8, 2), (8, 8, 2)] {
            let members: [(UInt8) -> Bool] = [Self.distinctRows(first), Self.distinctRows(second, offset: 5)]
            guard let classes = PackedNibbleClasses(members) else {
                Issue.record("\(first) + \(second) rows did not fit")
                continue
            }
            #expect(classes.pairCount == pairCount, "\(first) + \(second) rows")
            for (index, isMember) in members.enumerated() {
                for byte in 0...255 {
                    #expect(classes.contains(UInt8(byte), inClass: index) == isMember(UInt8(byte)), "\(first) + \(second), class \(index) byte \(byte)")
                }
            }
        }
    }

    @Test("A class of nine different rows does not fit; an empty class and a class of every byte do")
    func limits() {
        #expect(PackedNibbleClasses([Self.distinctRows(9)]) == nil)
        #expect(PackedNibbleClasses([Self.distinctRows(2), Self.distinctRows(9)]) == nil)
        let edge = PackedNibbleClasses([{ _ in false }, { _ in true }, { $0 == 0 }])
        #expect(edge != nil)
        if let edge {
            #expect(edge.pairCount == 1)
            for byte in 0...255 {
                #expect(!edge.contains(UInt8(byte), inClass: 0))
                #expect(edge.contains(UInt8(byte), inClass: 1))
                #expect(edge.contains(UInt8(byte), inClass: 2) == (byte == 0))
            }
        }
        #expect(PackedNibbleClasses([])?.pairCount == 0)
    }
}

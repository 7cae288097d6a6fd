#if canImport(CNibbleMasks)
import CNibbleMasks
#endif

/// The byte classes of one decoder input that the base64, hex, columns and joined decoders read,
/// for every 64-byte block, made in one pass (``NibbleClass``, AVX2): one 64-bit word per class
/// and block, bit `i` of block `b` for byte `64 × b + i`.
///
/// The reason: each of the four decoders classified every block of every input itself, one C
/// call per block and decoder (seven classes: base64, hex runs, the columns decoder's marked
/// bytes and line feeds, the joined decoder's lead bytes, quotes and seam starts); on the real
/// text corpus those calls were 176 M of the decoders' 724 M instructions, and the engine hands
/// each input to all four decoders (#13, callgrind). Made once per input, each block is loaded
/// once and its nibbles split once, and a decoder reads words instead of calling out.
///
/// The last block, when shorter than 64 bytes, is classified as if followed by zero bytes
/// (no member of any class but ``Plane/seamStarts``); readers mask or bound what lies past the
/// input. Made only where ``NibbleClass/isAvailable``.
struct DecoderMasks {
    /// The classes, in the order of their planes.
    enum Plane: Int, CaseIterable {
        /// The base64 and base64url alphabets (``Decoder/base64Class``).
        case base64
        /// Hex digits and separators (``Decoder/hexRunClass``).
        case hexRun
        /// The bytes no header line holds that the columns decoder marks (``HeaderLineMasks/marked``).
        case headerMarks
        /// Line feeds.
        case lineFeeds
        /// The joined decoder's triggers other than the quotes (``Decoder/joinClassTables``).
        case joinLeads
        /// Double and single quotes.
        case quotes
        /// The bytes a string seam starts with: control bytes, the blank, `+` and `.`.
        case seamStarts
    }

    /// The bytes classified.
    let count: Int
    /// The 64-byte blocks, the last one perhaps shorter.
    let blockCount: Int
    /// The planes one after another, each ``blockCount`` words.
    private let words: [UInt64]

    /// The planes' classes, in the order of ``Plane``, packed into shared nibble tables.
    static let classes: PackedNibbleClasses = {
        let isMarked = { (byte: UInt8) in HeaderLineMasks.marked.contains { $0.contains(byte) } }
        let isJoinLead = { (byte: UInt8) in Decoder.joinTriggers[Int(byte)] && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'") }
        let members: [(UInt8) -> Bool] = Plane.allCases.map { plane in
            switch plane {
            case .base64: return { Decoder.base64Values[Int($0)] >= 0 }
            case .hexRun: return { Decoder.hexRunMembers[Int($0)] }
            case .headerMarks: return isMarked
            case .lineFeeds: return { $0 == 0x0A }
            case .joinLeads: return isJoinLead
            case .quotes: return { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }
            case .seamStarts: return { $0 <= 0x20 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") }
            }
        }
        guard let classes = PackedNibbleClasses(members), classes.pairCount <= Int(CORDON_MAXIMUM_TABLE_PAIRS) else {
            preconditionFailure("the decoders' classes fit four pairs of nibble tables")
        }
        return classes
    }()

    /// The masks of every block of `input`. Only when ``NibbleClass/isAvailable``.
    init(_ input: UnsafeBufferPointer<UInt8>) {
        precondition(NibbleClass.isAvailable, "the block masks are made with AVX2")
        count = input.count
        let blockCount = (input.count + 63) / 64
        self.blockCount = blockCount
        let planeCount = Plane.allCases.count
        guard let base = input.baseAddress, blockCount > 0 else {
            words = []
            return
        }
        let classes = Self.classes
        words = [UInt64](unsafeUninitializedCapacity: planeCount * blockCount) { words, initialized in
            classes.tables.withUnsafeBufferPointer { tables in
                classes.pairs.withUnsafeBufferPointer { pairs in
                    classes.bits.withUnsafeBufferPointer { bits in
                        #if canImport(CNibbleMasks)
                        cordon_packed_block_masks(
                            base, input.count, tables.baseAddress!, Int32(classes.pairCount), pairs.baseAddress!, bits.baseAddress!,
                            Int32(planeCount), words.baseAddress!)
                        #endif
                    }
                }
            }
            initialized = planeCount * blockCount
        }
    }

    /// Runs `body` with the words of the planes (`plane(_:)` gives the first word of each).
    @inline(__always)
    func withPlanes<R>(_ body: (Planes) -> R) -> R {
        words.withUnsafeBufferPointer { body(Planes(words: $0.baseAddress, count: count, blockCount: blockCount)) }
    }

    /// The planes of one input, borrowed for the time of ``withPlanes(_:)``.
    struct Planes {
        fileprivate let words: UnsafePointer<UInt64>?
        /// The bytes classified.
        let count: Int
        /// The 64-byte blocks, the last one perhaps shorter.
        let blockCount: Int

        /// The words of `plane`, one per block.
        @inline(__always)
        func plane(_ plane: Plane) -> UnsafePointer<UInt64> { words! + plane.rawValue &* blockCount }

        /// The members of `plane` among the 64 bytes from `position` (bit `i` for byte
        /// `position + i`), read off the words of the one or two blocks they lie in; bits for
        /// bytes past the input are those of zero bytes to the end of the last block, and clear
        /// past it. `position` is below ``count``.
        @inline(__always)
        func window(_ plane: UnsafePointer<UInt64>, at position: Int) -> UInt64 {
            let block = position &>> 6
            let shift = UInt64(position & 63)
            guard shift != 0 else { return plane[block] }
            let next = block &+ 1 < blockCount ? plane[block &+ 1] : 0
            return plane[block] &>> shift | next &<< (64 &- shift)
        }
    }
}

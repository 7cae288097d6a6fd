/// How the bytes of a decoded layer correspond to the bytes they came from.
///
/// The map is a list of pieces covering the layer in order. In a piece, each unit of
/// `derivedUnit` layer bytes came from `originalUnit` source bytes: an unchanged stretch is one
/// piece of 1 ↔ 1, a base64 run one piece of 3 ↔ 4, a percent escape one piece of 1 ↔ 3, a
/// removed zero-width character a piece of 0 ↔ 3. A few pieces describe a whole message, so
/// layers of large inputs stay cheap.
struct LayerMap: Sendable {
    struct Piece: Sendable, Equatable {
        var derivedStart: Int
        var originalStart: Int
        var units: Int
        var derivedUnit: Int
        var originalUnit: Int

        var derivedEnd: Int { derivedStart + units * derivedUnit }
        var originalEnd: Int { originalStart + units * originalUnit }
        /// Whether the piece's bytes differ from their source (anything but 1 ↔ 1).
        var isDecoded: Bool { derivedUnit != 1 || originalUnit != 1 }
    }

    private(set) var pieces: [Piece] = []
    private(set) var derivedCount = 0
    private(set) var originalCount = 0

    /// Whether any piece decodes something.
    var changesAnything: Bool { pieces.contains(where: \.isDecoded) }

    /// Appends `count` unchanged bytes.
    mutating func copy(_ count: Int) {
        guard count > 0 else { return }
        if var last = pieces.last, !last.isDecoded {
            last.units += count
            pieces[pieces.count - 1] = last
        } else {
            pieces.append(Piece(derivedStart: derivedCount, originalStart: originalCount, units: count, derivedUnit: 1, originalUnit: 1))
        }
        derivedCount += count
        originalCount += count
    }

    /// Appends `units` units of `derivedUnit` layer bytes each made from `originalUnit` source bytes.
    mutating func decode(units: Int, derivedUnit: Int, originalUnit: Int) {
        guard units > 0 else { return }
        if var last = pieces.last, last.derivedUnit == derivedUnit, last.originalUnit == originalUnit, last.isDecoded {
            last.units += units
            pieces[pieces.count - 1] = last
        } else {
            pieces.append(Piece(
                derivedStart: derivedCount, originalStart: originalCount, units: units, derivedUnit: derivedUnit,
                originalUnit: originalUnit))
        }
        derivedCount += units * derivedUnit
        originalCount += units * originalUnit
    }

    /// The layer ranges around decoded stretches, each widened by `margin` bytes on both sides
    /// and merged where they touch.
    func decodedIslands(margin: Int) -> [Range<Int>] {
        var islands: [Range<Int>] = []
        for piece in pieces where piece.isDecoded {
            let island = max(0, piece.derivedStart - margin)..<min(derivedCount, piece.derivedEnd + margin)
            if let last = islands.last, island.lowerBound <= last.upperBound {
                islands[islands.count - 1] = last.lowerBound..<max(last.upperBound, island.upperBound)
            } else if !island.isEmpty {
                islands.append(island)
            }
        }
        return islands
    }

    /// The source span of the layer bytes `range`, and whether any of them were decoded.
    func original(of range: Range<Int>) -> (range: Range<Int>, decoded: Bool) {
        let first = pieceIndex(containing: range.lowerBound)
        let last = pieceIndex(containing: range.upperBound - 1)
        let start = unitSpan(pieces[first], range.lowerBound).lowerBound
        let end = unitSpan(pieces[last], range.upperBound - 1).upperBound
        // Bytes were decoded if a decoded piece is touched or a removed piece lies inside.
        let decoded = pieces[first...last].contains(where: \.isDecoded)
            || (first + 1 < pieces.count && pieces[(first + 1)...].prefix(while: { $0.derivedStart < range.upperBound })
                .contains { $0.isDecoded })
        return (start..<end, decoded)
    }

    /// Whether a decoded piece lies within `reach` layer bytes of `range` (before, inside or
    /// after it).
    func decodes(near range: Range<Int>, reach: Int) -> Bool {
        let low = max(0, range.lowerBound - reach)
        let high = range.upperBound + reach
        var index = pieceIndex(containing: min(low, max(0, derivedCount - 1)))
        while index < pieces.count, pieces[index].derivedStart <= high {
            if pieces[index].isDecoded, pieces[index].derivedEnd >= low { return true }
            index += 1
        }
        return false
    }

    /// The source bytes of the unit holding layer offset `offset` in `piece`.
    private func unitSpan(_ piece: Piece, _ offset: Int) -> Range<Int> {
        guard piece.derivedUnit > 0 else { return piece.originalStart..<piece.originalEnd }
        let unit = (offset - piece.derivedStart) / piece.derivedUnit
        let start = piece.originalStart + unit * piece.originalUnit
        return start..<(start + piece.originalUnit)
    }

    /// The index of the piece holding layer offset `offset` (pieces of no layer bytes are
    /// skipped).
    private func pieceIndex(containing offset: Int) -> Int {
        var low = 0
        var high = pieces.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if pieces[middle].derivedStart <= offset { low = middle } else { high = middle - 1 }
        }
        while low > 0, pieces[low].derivedEnd <= offset || pieces[low].derivedUnit == 0 { low -= 1 }
        while low + 1 < pieces.count, pieces[low].derivedEnd <= offset { low += 1 }
        return low
    }
}

/// A message with one kind of encoding decoded: the new bytes, their map back to the message it
/// was made from, and the names of the decodings applied (outermost last).
struct DecodedLayer: Sendable {
    var name: String
    var bytes: [UInt8]
    var map: LayerMap
    /// The layer this one was decoded from, or `nil` for the message itself.
    var parent: Box?
    /// Where in the parent (or message) the decoded input started: layers below the first are
    /// made from islands of their parent.
    var parentOffset = 0

    /// A reference to a parent layer (layers nest two deep at most).
    final class Box: Sendable {
        let layer: DecodedLayer
        init(_ layer: DecodedLayer) { self.layer = layer }
    }

    /// How close to a value decoded bytes must stand to be its context: a key and its
    /// separator (`\u0026password=`, `key%20`, `\x22`, an ANSI colour sequence).
    static let contextReach = 32

    /// The message span of the layer bytes `range`, and whether they owe anything to decoding:
    /// some of them were decoded on the way, or decoded bytes stand within ``contextReach`` of
    /// them.
    ///
    /// The reason for the second: in `q=key%20AKIA…` or `{"url":"…\u0026password=…"}` the
    /// value is written plainly and only its context is encoded. The message itself does not
    /// show the value (no word boundary, no key), its decoded layer does, and the finding must
    /// not be dropped as "already seen in the message". A finding that the message itself also
    /// holds is the same span and detector, and one finding per span is kept.
    func originalRange(of range: Range<Int>) -> (range: Range<Int>, decoded: Bool) {
        let (relative, valueDecoded) = map.original(of: range)
        let decoded = valueDecoded || map.decodes(near: range, reach: Self.contextReach)
        let mapped = (relative.lowerBound + parentOffset)..<(relative.upperBound + parentOffset)
        guard let parent, !mapped.isEmpty else { return (mapped, decoded) }
        let outer = parent.layer.originalRange(of: mapped)
        return (outer.range, decoded || outer.decoded)
    }
}

/// Disjoint input spans and the bytes that replace them: builds the output and maps output
/// offsets back to the input.
package struct ReplacedSpans {
    package let ranges: [Range<Int>]
    package let replacements: [[UInt8]]

    /// `ranges` ascending and disjoint, one replacement each.
    package init(_ ranges: [Range<Int>], replacements: [[UInt8]]) {
        self.ranges = ranges
        self.replacements = replacements
    }

    /// `buffer` with each range replaced.
    package func apply(to buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(buffer.count)
        var copied = 0
        for (range, replacement) in zip(ranges, replacements) {
            output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied..<range.lowerBound]))
            output += replacement
            copied = range.upperBound
        }
        output.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[copied...]))
        return output
    }

    /// Findings in the output, moved to the input: a range that takes in part of a replacement
    /// takes in the whole replaced span. Line and column are left for the caller to compute.
    func inputFindings(for findings: [Finding]) -> [Finding] {
        findings.compactMap { finding in
            guard !finding.range.isEmpty else { return nil }
            var moved = finding
            moved.range = inputOffset(ofOutputByte: finding.range.lowerBound, atEnd: false)
                ..< inputOffset(ofOutputByte: finding.range.upperBound - 1, atEnd: true)
            return moved
        }
    }

    /// The findings in the output that take in input bytes not yet replaced, moved to the
    /// input (see ``inputFindings(for:)``). A finding within a replacement — a masked value
    /// `****1234` still shaped like its kind — uncovers nothing.
    package func uncoveredFindings(_ findings: [Finding]) -> [Finding] {
        inputFindings(for: findings).filter { finding in
            !ranges.contains { $0.lowerBound <= finding.range.lowerBound && finding.range.upperBound <= $0.upperBound }
        }
    }

    /// The input offset of the output byte at `offset`; a byte of a replacement maps to its
    /// span's start, or with `atEnd` to its end. With `atEnd`, the result is one past the byte.
    private func inputOffset(ofOutputByte offset: Int, atEnd: Bool) -> Int {
        var shift = 0  // output offset minus input offset, before the current span
        for (range, replacement) in zip(ranges, replacements) {
            let outputStart = range.lowerBound + shift
            if offset < outputStart { break }
            if offset < outputStart + replacement.count { return atEnd ? range.upperBound : range.lowerBound }
            shift += replacement.count - range.count
        }
        return offset - shift + (atEnd ? 1 : 0)
    }
}

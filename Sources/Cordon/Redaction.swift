/// The outcome of redacting one message: the new bytes and what was found.
public struct Redaction: Sendable, Hashable {
    /// The redacted message. Every byte outside the redacted spans is the input's byte, unchanged.
    public var bytes: [UInt8]
    /// The scan that decided what to redact; offsets refer to the input, not to ``bytes``.
    public var scan: ScanResult

    /// Creates a redaction result.
    public init(bytes: [UInt8], scan: ScanResult) {
        self.bytes = bytes
        self.scan = scan
    }

    /// The redacted message as text; invalid UTF-8 from the input is shown as U+FFFD.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The findings of the scan.
    public var findings: [Finding] { scan.findings }

    /// The level of the input.
    public var level: Level { scan.level }
}

extension Engine {
    /// Scans `text` and replaces every finding with `redactionOperator`'s replacement.
    public func redact(
        _ text: String, using redactionOperator: RedactionOperator = .placeholder, minimumConfidence: Confidence = .low
    ) -> Redaction {
        var copy = text
        return copy.withUTF8 { redact($0, using: redactionOperator, minimumConfidence: minimumConfidence) }
    }

    /// Scans `bytes` and replaces every finding with `redactionOperator`'s replacement.
    public func redact(
        _ bytes: [UInt8], using redactionOperator: RedactionOperator = .placeholder, minimumConfidence: Confidence = .low
    ) -> Redaction {
        bytes.withUnsafeBufferPointer { redact($0, using: redactionOperator, minimumConfidence: minimumConfidence) }
    }

    /// Scans `buffer` and replaces every finding with `redactionOperator`'s replacement.
    ///
    /// Overlapping findings merge into one span, the union of their ranges, named after the
    /// widest of them (then the highest level). Findings below `minimumConfidence` are left in
    /// place. A scan that is not complete still redacts what it found; callers that must not leak
    /// check ``ScanResult/isComplete`` and withhold the message.
    ///
    /// The output is settled: it is scanned again, and a value that appears only once its
    /// neighbour is replaced (a number a boundary rule rejected because a card number stood next
    /// to it) is added to the findings and redacted too, so redacting the output again changes
    /// nothing. The findings may therefore be more than ``scan(_:)-(UnsafeBufferPointer<UInt8>)``
    /// reports, all with ranges in the input. Output that does not settle within
    /// ``settlingPasses`` rescans makes the result incomplete.
    public func redact(
        _ buffer: UnsafeBufferPointer<UInt8>, using redactionOperator: RedactionOperator = .placeholder,
        minimumConfidence: Confidence = .low
    ) -> Redaction {
        var result = scan(buffer).filtered(minimumConfidence: minimumConfidence)
        var pass = 0
        while true {
            let spans = Self.mergedSpans(result.findings)
            let replacements = spans.map {
                redactionOperator.replacement(for: UnsafeBufferPointer(rebasing: buffer[$0.range]), detectorID: $0.detectorID)
            }
            let replaced = ReplacedSpans(spans.map(\.range), replacements: replacements)
            let output = replaced.apply(to: buffer)
            guard !spans.isEmpty else { return Redaction(bytes: output, scan: result) }
            let rescan = scan(output).filtered(minimumConfidence: minimumConfidence)
            result.failures += rescan.failures
            let uncovered = replaced.uncoveredFindings(rescan.findings)
            if uncovered.isEmpty { return Redaction(bytes: output, scan: result) }
            guard pass < Self.settlingPasses else {
                result.failures.append(Self.unsettled(uncovered))
                return Redaction(bytes: output, scan: result)
            }
            result.findings = Self.union(result.findings, uncovered, in: buffer)
            pass += 1
        }
    }

    /// How many times redacted output is scanned again for values its replacements uncovered.
    public static let settlingPasses = 3

    /// The failure recorded when redacted output still has findings after ``settlingPasses``.
    static func unsettled(_ findings: [Finding]) -> DetectorFailure {
        DetectorFailure(
            detectorID: findings.first?.detectorID ?? "redaction",
            reason: "redacted output still has findings after \(settlingPasses) passes")
    }

    /// The findings of both lists, each once, ordered by range then detector, with line and
    /// column computed in `buffer`.
    static func union(_ first: [Finding], _ second: [Finding], in buffer: UnsafeBufferPointer<UInt8>) -> [Finding] {
        var seen = Set<Finding>()
        var merged = (first + second).filter { seen.insert($0).inserted }
        merged.sort { ($0.range.lowerBound, $0.range.upperBound, $0.detectorID) < ($1.range.lowerBound, $1.range.upperBound, $1.detectorID) }
        var line = 1
        var lineStart = 0
        var position = 0
        for index in merged.indices {
            while position < merged[index].range.lowerBound {
                if buffer[position] == UInt8(ascii: "\n") {
                    line += 1
                    lineStart = position + 1
                }
                position += 1
            }
            merged[index].line = line
            merged[index].column = merged[index].range.lowerBound - lineStart + 1
        }
        return merged
    }

    /// Merges overlapping findings (sorted by start) into disjoint spans.
    static func mergedSpans(_ findings: [Finding]) -> [(range: Range<Int>, detectorID: String)] {
        var spans: [(range: Range<Int>, detectorID: String)] = []
        var widest: Finding?
        var current: Range<Int>?
        for finding in findings {
            if let range = current, finding.range.lowerBound < range.upperBound, let best = widest {
                current = range.lowerBound..<max(range.upperBound, finding.range.upperBound)
                if (finding.range.count, finding.level) > (best.range.count, best.level) { widest = finding }
            } else {
                if let range = current, let best = widest { spans.append((range, best.detectorID)) }
                current = finding.range
                widest = finding
            }
        }
        if let range = current, let best = widest { spans.append((range, best.detectorID)) }
        return spans
    }
}

/// Disjoint input spans and the bytes that replace them: builds the output and maps output
/// offsets back to the input.
struct ReplacedSpans {
    let ranges: [Range<Int>]
    let replacements: [[UInt8]]

    /// `ranges` ascending and disjoint, one replacement each.
    init(_ ranges: [Range<Int>], replacements: [[UInt8]]) {
        self.ranges = ranges
        self.replacements = replacements
    }

    /// `buffer` with each range replaced.
    func apply(to buffer: UnsafeBufferPointer<UInt8>) -> [UInt8] {
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
    func uncoveredFindings(_ findings: [Finding]) -> [Finding] {
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

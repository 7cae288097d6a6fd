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
    public func redact(
        _ buffer: UnsafeBufferPointer<UInt8>, using redactionOperator: RedactionOperator = .placeholder,
        minimumConfidence: Confidence = .low
    ) -> Redaction {
        let result = scan(buffer).filtered(minimumConfidence: minimumConfidence)
        var output: [UInt8] = []
        output.reserveCapacity(buffer.count)
        var copied = 0
        for span in Self.mergedSpans(result.findings) {
            output.append(contentsOf: buffer[copied..<span.range.lowerBound])
            output += redactionOperator.replacement(
                for: UnsafeBufferPointer(rebasing: buffer[span.range]), detectorID: span.detectorID)
            copied = span.range.upperBound
        }
        output.append(contentsOf: buffer[copied...])
        return Redaction(bytes: output, scan: result)
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

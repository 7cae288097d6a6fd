extension Engine {
    /// One redaction of a message: the spans replaced, the bytes that result, and what else the
    /// caller computed with them.
    package struct SettlingStep<Extra> {
        /// The spans replaced and their replacements.
        package var spans: ReplacedSpans
        /// The message with the spans replaced.
        package var output: [UInt8]
        /// The caller's own result of the step (say, how many placeholders were irreversible).
        package var extra: Extra

        package init(spans: ReplacedSpans, output: [UInt8], extra: Extra) {
            self.spans = spans
            self.output = output
            self.extra = extra
        }
    }

    /// How many times redacted output is scanned again for values its replacements uncovered.
    public static let settlingPasses = 3

    /// Redacts `buffer` until the output settles: the loop that ``redact(_:using:minimumConfidence:)``
    /// and the policy enforcer share.
    ///
    /// A value can appear only once its neighbour is replaced (a number that a boundary rule
    /// rejected because a card number stood next to it). So the output of each redaction is
    /// scanned again; values it uncovers — outside the replaced spans — join the findings, with
    /// ranges in the input, and the message is redacted again, until nothing new appears. A
    /// rescan that cannot finish, or values still uncovered after ``settlingPasses`` rescans,
    /// make the scan incomplete, and `redact` is asked once more with that scan (a policy that
    /// fails closed then blocks; the values uncovered last are redacted too).
    ///
    /// - Parameters:
    ///   - scan: the first scan of `buffer`.
    ///   - redact: the redaction for a scan (`nil`: nothing may go out, as for a block).
    ///   - relevant: the findings of a rescan that must be redacted (those above a policy's
    ///     limit, or above a minimum confidence).
    /// - Returns: the settled scan and its last redaction.
    package func settle<Extra>(
        _ buffer: UnsafeBufferPointer<UInt8>, scan: ScanResult,
        redacting redact: (ScanResult) -> SettlingStep<Extra>?,
        relevant: (ScanResult) -> [Finding]
    ) -> (scan: ScanResult, step: SettlingStep<Extra>?) {
        var scan = scan
        var pass = 0
        guard var step = redact(scan) else { return (scan, nil) }
        // All rescans share one budget (``ScanDeadline``): a message that does not settle costs
        // at most twice its budget, not once per pass.
        let deadline = ContinuousClock.now + limits.budget(forByteCount: buffer.count)
        while true {
            guard !step.spans.ranges.isEmpty else { return (scan, step) }
            let rescan = step.output.withUnsafeBufferPointer { self.scan($0, by: deadline) }
            scan.failures += rescan.failures
            let uncovered = step.spans.uncoveredFindings(relevant(rescan))
            if uncovered.isEmpty {
                return rescan.isComplete ? (scan, step) : (scan, redact(scan))
            }
            scan.findings = Self.union(scan.findings, uncovered, in: buffer)
            if pass == Self.settlingPasses {
                scan.failures.append(Self.unsettled(uncovered))
                return (scan, redact(scan))
            }
            pass += 1
            guard let next = redact(scan) else { return (scan, nil) }
            step = next
        }
    }

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
        var locator = TextLocator(buffer)
        for index in merged.indices {
            (merged[index].line, merged[index].column) = locator.location(of: merged[index].range.lowerBound)
        }
        return merged
    }

    /// Merges overlapping findings (sorted by start) into disjoint spans, each named after the
    /// widest of its findings (then the highest level).
    package static func mergedSpans(_ findings: [Finding]) -> [(range: Range<Int>, detectorID: String)] {
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

extension Engine {
    /// Scans a message larger than ``ScanLimits/window`` in overlapping windows, so that the
    /// memory a scan needs is bounded by the window, not by the message.
    ///
    /// A whole-message scan keeps, per byte of input, keyword hits (20 bytes per hit: 10 MiB of
    /// `@` made 334 MB), decoded copies of every layer, and a placeholder-masked copy; in windows
    /// those are the window's. Windows follow the stream's rule
    /// (``scan(reading:window:overlap:)``): each starts `window − overlap` bytes after the
    /// previous one, and a finding belongs to the window in which its start lies before the
    /// middle of the overlap with the next, so it is reported once, and found exactly as a
    /// whole-message scan finds it as long as it (with its context) spans at most half the
    /// overlap. Decoding applies in every window, so `redact` and `scan` of a message of any size
    /// look at the same decoded layers. The whole message shares one time budget.
    func scanInWindows(
        _ buffer: UnsafeBufferPointer<UInt8>, onlyDetector: Int?, usePrefilter: Bool, deadline: ContinuousClock.Instant? = nil
    ) -> ScanResult {
        let window = limits.window
        let overlap = limits.windowOverlap
        let step = window - overlap
        let deadline = deadline ?? ContinuousClock.now + limits.budget(forByteCount: buffer.count)
        var findings: [Finding] = []
        var failures: [DetectorFailure] = []
        var windowStart = 0
        var lineBefore = 1  // the line of buffer[windowStart]
        var lineStartBefore = 0  // where that line starts
        while true {
            let windowEnd = min(buffer.count, windowStart + window)
            let isLast = windowEnd == buffer.count
            let piece = UnsafeBufferPointer(rebasing: buffer[windowStart..<windowEnd])
            let result = scan(piece, onlyDetector: onlyDetector, usePrefilter: usePrefilter, deadline: deadline)
            for failure in result.failures where !failures.contains(failure) { failures.append(failure) }
            let ownedFrom = windowStart == 0 ? 0 : overlap / 2
            let ownedTo = isLast ? Int.max : step + overlap / 2
            for var finding in result.findings where finding.range.lowerBound >= ownedFrom && finding.range.lowerBound < ownedTo {
                if finding.line == 1 { finding.column += windowStart - lineStartBefore }
                finding.line += lineBefore - 1
                finding.range = (finding.range.lowerBound + windowStart)..<(finding.range.upperBound + windowStart)
                findings.append(finding)
            }
            if isLast { break }
            let (lines, lastLineStart) = LineBreaks.count(in: buffer, windowStart..<(windowStart + step))
            lineBefore += lines
            if let lastLineStart { lineStartBefore = lastLineStart }
            windowStart += step
        }
        return ScanResult(findings: findings, failures: failures)
    }

    /// Scans `buffer` by `deadline` instead of by its own budget: the settle loop's rescans of
    /// one message share a single budget, so redacting a message takes at most twice its budget
    /// (its scan, then every rescan), however many passes it needs.
    func scan(_ buffer: UnsafeBufferPointer<UInt8>, by deadline: ContinuousClock.Instant) -> ScanResult {
        guard !buffer.isEmpty else { return ScanResult(findings: []) }
        if buffer.count > limits.window {
            return scanInWindows(buffer, onlyDetector: nil, usePrefilter: true, deadline: deadline)
        }
        return scan(buffer, onlyDetector: nil, usePrefilter: true, deadline: deadline)
    }
}

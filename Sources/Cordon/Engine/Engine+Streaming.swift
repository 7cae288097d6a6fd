extension Engine {
    /// The window and overlap ``scan(reading:window:overlap:)`` uses by default: those of
    /// ``ScanLimits/default`` (2 MiB windows that overlap by 256 KiB).
    ///
    /// The reason: a stream window larger than the engine's own window is scanned in that
    /// window again (``scanInWindows(_:onlyDetector:usePrefilter:deadline:)``), so the 4 MiB
    /// stream windows used before were each scanned as three overlapping pieces (4.5 MiB
    /// scanned per 3.5 MiB of stream, against 2 MiB per 1.75 MiB now), and what a stream finds
    /// exactly was already bounded by the engine's smaller overlap.
    public static let defaultStreamWindow = (size: ScanLimits.default.window, overlap: ScanLimits.default.windowOverlap)

    /// Scans a stream of any length in a bounded window, calling `read` to fill buffers.
    ///
    /// The input is scanned in windows of `window` bytes; each window starts `window − overlap`
    /// bytes after the previous one. A finding belongs to the window in which its start lies
    /// before the middle of the overlap with the next window, so no finding is reported twice,
    /// and one is found exactly as a whole-input scan finds it as long as it (with the context its
    /// detector looks at) spans at most `overlap / 2` bytes — the longest built-in match is a
    /// 16 KiB private-key block. Offsets, lines and columns are those of the whole stream.
    ///
    /// Differences from a whole-input scan: a found value is looked for again only
    /// within its window, and decoding applies per window (windows are below
    /// ``ScanLimits/maximumDecodedInput``), so an encoded run cut by a window edge is decoded as
    /// two pieces and its decoded findings may differ.
    ///
    /// - Parameters:
    ///   - read: Fills the buffer it is given from the start and returns how many bytes it wrote;
    ///     0 means the end of the stream.
    ///   - window: The window size in bytes.
    ///   - overlap: How much consecutive windows share; at least 2 and less than `window`.
    /// - Returns: The findings in order, with the failures of every window.
    public func scan(
        reading read: (UnsafeMutableRawBufferPointer) throws -> Int, window: Int = Engine.defaultStreamWindow.size,
        overlap: Int = Engine.defaultStreamWindow.overlap
    ) rethrows -> ScanResult {
        var findings: [Finding] = []
        let summary = try scan(reading: read, window: window, overlap: overlap) { findings += $0 }
        return ScanResult(findings: findings, failures: summary.failures)
    }

    /// Scans a stream like ``scan(reading:window:overlap:)``, handing each window's findings to
    /// `handle` as soon as the window is done instead of keeping them, so memory stays bounded
    /// by the window whatever the length of the stream and the number of findings.
    ///
    /// - Returns: The number of findings, the highest level and any failures.
    public func scan(
        reading read: (UnsafeMutableRawBufferPointer) throws -> Int, window: Int = Engine.defaultStreamWindow.size,
        overlap: Int = Engine.defaultStreamWindow.overlap, handle: ([Finding]) throws -> Void
    ) rethrows -> StreamSummary {
        precondition(overlap >= 2 && overlap < window, "the overlap must be at least 2 bytes and smaller than the window")
        var buffer = [UInt8](repeating: 0, count: window)
        var filled = 0
        var windowStart = 0  // stream offset of buffer[0]
        var lineBefore = 1  // line of buffer[0]
        var lineStartBefore = 0  // stream offset where that line starts
        var summary = StreamSummary()
        var atEnd = false
        var first = true
        while true {
            // Fill the window.
            while !atEnd, filled < window {
                let count = try buffer.withUnsafeMutableBytes { raw in
                    try read(UnsafeMutableRawBufferPointer(rebasing: raw[filled...]))
                }
                if count == 0 { atEnd = true } else { filled += count }
            }
            let result = buffer.withUnsafeBufferPointer { scan(UnsafeBufferPointer(rebasing: $0[0..<filled])) }
            summary.failures += result.failures.filter { !summary.failures.contains($0) }
            let step = window - overlap
            let ownedFrom = first ? 0 : overlap / 2
            let ownedTo = atEnd ? Int.max : step + overlap / 2
            var owned: [Finding] = []
            for var finding in result.findings where finding.range.lowerBound >= ownedFrom && finding.range.lowerBound < ownedTo {
                if finding.line == 1 { finding.column += windowStart - lineStartBefore }
                finding.line += lineBefore - 1
                finding.range = (finding.range.lowerBound + windowStart)..<(finding.range.upperBound + windowStart)
                summary.level = max(summary.level, finding.level)
                owned.append(finding)
            }
            summary.findingCount += owned.count
            if !owned.isEmpty { try handle(owned) }
            if atEnd { break }
            // Advance by one step: count the lines left behind, keep the overlap.
            buffer.withUnsafeBufferPointer { bytes in
                let (lines, lastLineStart) = LineBreaks.count(in: bytes, 0..<step)
                lineBefore += lines
                if let lastLineStart { lineStartBefore = windowStart + lastLineStart }
            }
            buffer.withUnsafeMutableBufferPointer { bytes in
                _ = bytes.baseAddress!.update(from: bytes.baseAddress! + step, count: filled - step)
            }
            filled -= step
            windowStart += step
            first = false
        }
        return summary
    }
}

/// What a streamed scan found, when its findings were handed out window by window.
public struct StreamSummary: Sendable, Hashable {
    /// How many findings were handed out.
    public var findingCount = 0
    /// The highest level of any finding, `public` when there was none.
    public var level = Level.public
    /// Detectors that could not finish in some window; empty when the scan is complete.
    public var failures: [DetectorFailure] = []
    /// Whether every detector finished in every window.
    public var isComplete: Bool { failures.isEmpty }
}

/// One sensitive value found in a message.
///
/// A finding locates a value without holding it: the detector that found it, the category and
/// level, the UTF-8 byte range, and the line and column where it starts. The value itself is
/// never stored, so findings are safe to log, print and keep in audit records.
public struct Finding: Sendable, Hashable {
    /// The id of the detector that found the value.
    public var detectorID: String
    /// The kind of data found.
    public var category: Category
    /// The level the value gives its message.
    public var level: Level
    /// How sure the detector is.
    public var confidence: Confidence
    /// The encodings the value was hidden in, outermost first (`base64`, `percent+base64`), or
    /// `nil` when it was found in the message as written. ``range`` is then the encoded span.
    public var layer: String?
    /// The value's UTF-8 byte offsets in the message; the upper bound is exclusive.
    public var range: Range<Int>
    /// The 1-based line on which the value starts (lines end at `\n`).
    public var line: Int
    /// The 1-based column, in bytes, at which the value starts on its line.
    public var column: Int
    /// Whether the value is a documentation or test value (a detector's `allowlist.test_values`:
    /// `AKIAIOSFODNN7EXAMPLE`, the test card 4111 1111 1111 1111). Such a finding has `low`
    /// confidence; filters redact it like any other, and `cordon scan` reports it tagged and
    /// does not fail on it, because only its spelling says it is harmless.
    public var isTestValue: Bool

    /// Creates a finding.
    public init(
        detectorID: String, category: Category, level: Level, confidence: Confidence = .medium, layer: String? = nil,
        range: Range<Int>, line: Int, column: Int, isTestValue: Bool = false
    ) {
        self.isTestValue = isTestValue
        self.layer = layer
        self.detectorID = detectorID
        self.category = category
        self.level = level
        self.confidence = confidence
        self.range = range
        self.line = line
        self.column = column
    }
}

/// A detector that could not finish on a message, for example because its pattern reached
/// PCRE2's match limit.
///
/// A scan with a failure is incomplete: the message may hold values that were not found, so a
/// caller that must not leak treats it as restricted (fail closed).
public struct DetectorFailure: Sendable, Hashable, CustomStringConvertible {
    /// The id of the detector.
    public var detectorID: String
    /// What went wrong, from PCRE2 (never the input).
    public var reason: String

    /// Creates a failure record.
    public init(detectorID: String, reason: String) {
        self.detectorID = detectorID
        self.reason = reason
    }

    /// `detector 'id': reason`.
    public var description: String { "detector '\(detectorID)': \(reason)" }
}

/// The outcome of scanning one message.
public struct ScanResult: Sendable, Hashable {
    /// The findings, ordered by start offset, then end offset, then detector id.
    public var findings: [Finding]
    /// Detectors that could not finish; empty when the scan is complete.
    public var failures: [DetectorFailure]

    /// Creates a result.
    public init(findings: [Finding], failures: [DetectorFailure] = []) {
        self.findings = findings
        self.failures = failures
    }

    /// Whether every detector finished. When `false`, ``level`` is a lower bound only.
    public var isComplete: Bool { failures.isEmpty }

    /// The highest level of any finding, or `public` when there is none.
    public var level: Level { findings.map(\.level).max() ?? .public }

    /// The highest level of any finding that is not a test value, or `public` when there is
    /// none: what a CI scan fails on. Filters use ``level``, since a test value is redacted too.
    public var levelWithoutTestValues: Level { findings.lazy.filter { !$0.isTestValue }.map(\.level).max() ?? .public }

    /// This result without the findings below `minimumConfidence`.
    public func filtered(minimumConfidence: Confidence) -> ScanResult {
        guard minimumConfidence > .low else { return self }
        return ScanResult(findings: findings.filter { $0.confidence >= minimumConfidence }, failures: failures)
    }
}

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
        let settled = settle(
            buffer, scan: scan(buffer).filtered(minimumConfidence: minimumConfidence),
            redacting: { scan in
                let spans = Self.mergedSpans(scan.findings)
                let replaced = ReplacedSpans(
                    spans.map(\.range),
                    replacements: spans.map {
                        redactionOperator.replacement(for: UnsafeBufferPointer(rebasing: buffer[$0.range]), detectorID: $0.detectorID)
                    })
                return SettlingStep(spans: replaced, output: replaced.apply(to: buffer), extra: ())
            },
            relevant: { $0.filtered(minimumConfidence: minimumConfidence).findings })
        // `redacting` never declines, so there is always a step.
        return Redaction(bytes: settled.step?.output ?? Array(buffer), scan: settled.scan)
    }
}


import Cordon
import CordonGuard
import CordonJSON
import FuzzSupport

#if canImport(Glibc)
import Glibc
#endif

/// The built-in engine, compiled once.
enum Shared {
    static let engine: Engine = {
        do {
            return try Engine(DetectorSet.builtIn())
        } catch {
            Fuzz.log("cannot compile the built-in detectors: \(error)")
            abort()
        }
    }()
}

private let placeholderOpening = Array("[REDACTED:".utf8)

/// Scans and redacts arbitrary bytes with the built-in engine and checks:
///
/// - `finding-range`: every finding's range lies within the input and is not empty;
///   `finding-order`: findings are ordered by start, then end; `finding-position`: line and
///   column match the range's start.
/// - `fast-path`: `scan` (keyword prefilter and windows) finds exactly what `referenceScan` (every
///   pattern over the whole input) finds, when both scans are complete.
/// - `redact-scan`: `redact` reports every finding of `scan` (and may add values that its
///   replacements uncovered, counted as `redact-settled-extra`), all in range and ordered.
/// - `unchanged-outside`: the placeholder output is the input with each merged span (overlapping
///   findings joined) replaced by `[REDACTED:<id>]`, every other byte unchanged;
///   `placeholder-name`: `<id>` is the widest finding's detector (then the highest level);
///   `remove-operator`: the `remove` output is the input without the merged spans.
/// - rescan: scanning the placeholder output finds nothing. A finding there is classified (each
///   class its own invariant, so that one can be relaxed and fuzzing go on for the others):
///   `rescan-inside-placeholder` (within a placeholder), `rescan-straddle` (takes in placeholder
///   bytes and input bytes), `rescan-context-from-placeholder` (input bytes the first scan did
///   not report, found because a placeholder's detector id gives them context: gone when the
///   placeholders read `[REDACTED:x]`), `rescan-unblocked` (input bytes the first scan did not
///   report, found once a neighbouring value was replaced, whatever the placeholder says),
///   `rescan-unmapped` (none of these). Messages say
///   whether the detector fired on the input.
/// - `idempotence`: redacting the placeholder output again changes nothing (a change that a
///   rescan finding explains is counted as `idempotence-explained-by-rescan`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let engine = Shared.engine
    let scan = engine.scan(input)
    checkFindings(scan.findings, in: input, what: "scan")

    if scan.isComplete {
        let reference = engine.referenceScan(input)
        if reference.isComplete {
            Fuzz.check(
                scan.findings == reference.findings, "fast-path", input: input,
                "scan and referenceScan differ: only in scan \(describe(scan.findings.filter { !reference.findings.contains($0) }, in: input)); only in referenceScan \(describe(reference.findings.filter { !scan.findings.contains($0) }, in: input))")
        } else {
            Fuzz.count("reference-incomplete")
        }
    } else {
        Fuzz.count("scan-incomplete")
    }

    checkStreaming(scan, input: input, engine: engine)

    let redaction = engine.redact(input, using: .placeholder)
    // Redaction settles: it may add values its replacements uncovered, never drop one.
    Fuzz.check(
        Set(scan.findings).isSubset(of: redaction.findings), "redact-scan", input: input,
        "redact lost findings of scan: \(describe(scan.findings.filter { !redaction.findings.contains($0) }, in: input))")
    if redaction.findings.count > scan.findings.count { Fuzz.count("redact-settled-extra") }
    checkFindings(redaction.findings, in: input, what: "redact")
    let spans = mergedSpans(redaction.findings)
    let (placeholders, gaps) = checkPlaceholderOutput(redaction.bytes, input: input, spans: spans)

    // Settling depends on the replacements, so `remove` may uncover other values: its own
    // findings give its spans.
    let removal = engine.redact(input, using: .remove)
    Fuzz.check(
        Set(scan.findings).isSubset(of: removal.findings), "redact-scan", input: input, "redact (remove) lost findings of scan")
    var expected: [UInt8] = []
    var copied = 0
    for span in mergedSpans(removal.findings) {
        expected += input[copied..<span.range.lowerBound]
        copied = span.range.upperBound
    }
    expected += input[copied...]
    Fuzz.check(removal.bytes == expected, "remove-operator", input: input, "the remove output is not the input without the spans")

    guard !scan.findings.isEmpty else { return 0 }
    let fired = Set(scan.findings.map(\.detectorID))
    let rescan = engine.scan(redaction.bytes)
    // The same output with every placeholder neutral, `[REDACTED:x]`.
    var neutralBytes: [UInt8] = []
    var copiedOut = 0
    for placeholder in placeholders {
        neutralBytes += redaction.bytes[copiedOut..<placeholder.lowerBound] + Array("[REDACTED:x]".utf8)
        copiedOut = placeholder.upperBound
    }
    neutralBytes += redaction.bytes[copiedOut...]
    let neutral = rescan.findings.isEmpty ? rescan : engine.scan(neutralBytes)
    var explained = false
    for finding in rescan.findings {
        let value = redaction.bytes[finding.range]
        let firedNote = fired.contains(finding.detectorID) ? "fired on the input" : "silent on the input"
        let context = "\(finding.detectorID) (\(firedNote)) finds \(Fuzz.show(value)) at \(finding.range)\(finding.layer.map { " (layer \($0))" } ?? "") of the output \(Fuzz.show(redaction.bytes, limit: 400)); the input's findings: \(describe(scan.findings, in: input))"
        if placeholders.contains(where: { $0.lowerBound <= finding.range.lowerBound && finding.range.upperBound <= $0.upperBound }) {
            Fuzz.violated("rescan-inside-placeholder", input: input, context)
        } else if placeholders.contains(where: { $0.overlaps(finding.range) }) {
            Fuzz.violated("rescan-straddle", input: input, context + " (the match takes in placeholder bytes)")
        } else if let gap = gaps.first(where: { $0.output.lowerBound <= finding.range.lowerBound && finding.range.upperBound <= $0.output.upperBound }) {
            // Input bytes the first scan did not report, found once their neighbourhood changed.
            let start = gap.input + (finding.range.lowerBound - gap.output.lowerBound)
            let original = start..<(start + finding.range.count)
            let before = scan.findings.filter { $0.detectorID == finding.detectorID && $0.range.overlaps(original) }
            let note = " (input bytes \(original), unreported by the first scan\(before.isEmpty ? "" : ", which had \(describe(before, in: input))"))"
            if neutral.findings.contains(where: { $0.detectorID == finding.detectorID && neutralBytes[$0.range].elementsEqual(value) }) {
                Fuzz.violated("rescan-unblocked", input: input, context + note)
            } else {
                // Gone when every placeholder reads `[REDACTED:x]`: the placeholder's detector id
                // (`…-secret]:`, `…-token]`) gave the value its context.
                Fuzz.violated("rescan-context-from-placeholder", input: input, context + note)
            }
        } else {
            Fuzz.violated("rescan-unmapped", input: input, context)
        }
        explained = true
    }
    let twice = engine.redact(redaction.bytes, using: .placeholder)
    if twice.bytes != redaction.bytes {
        if explained {
            Fuzz.count("idempotence-explained-by-rescan")
        } else {
            Fuzz.violated(
                "idempotence", input: input,
                "redacting the output again changes it: \(Fuzz.show(redaction.bytes, limit: 400)) -> \(Fuzz.show(twice.bytes, limit: 400))")
        }
    }
    return 0
}

/// Streams `input` through `Engine.scan(reading:window:overlap:)`, read in chunks of a size chosen
/// by the input's length:
/// - `stream-findings`: with small windows (64–127 bytes, overlap 2–33), findings are in range,
///   ordered, with the right line and column, and never reported twice;
/// - `stream-equals-whole`: with 1 KiB windows overlapping by 512 bytes, the findings are a
///   whole-input scan's, except where the documented limits explain the difference (counted as
///   `stream-documented-limit`: a match over 256 bytes (or a piece of one cut at a window edge),
///   a detector that reads more than 256 bytes (`farReading`), the same span found through
///   another layer, a finding in a decoded layer (decoding is per window), or a value that occurs
///   more than once,
///   found from context in another window).
func checkStreaming(_ whole: ScanResult, input: UnsafeBufferPointer<UInt8>, engine: Engine) {
    let chunk = 1 + input.count % 97
    func reader() -> (UnsafeMutableRawBufferPointer) -> Int {
        var offset = 0
        return { buffer in
            let count = min(chunk, buffer.count, input.count - offset)
            if count > 0 { buffer.copyMemory(from: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[offset..<(offset + count)]))) }
            offset += count
            return count
        }
    }
    let small = engine.scan(reading: reader(), window: 64 + input.count % 64, overlap: 2 + input.count % 32)
    checkFindings(small.findings, in: input, what: "small-window stream", invariant: "stream-findings")
    Fuzz.check(
        Set(small.findings).count == small.findings.count, "stream-findings", input: input,
        "a finding reported twice: \(describe(small.findings, in: input))")

    guard whole.isComplete else { return }
    let streamed = engine.scan(reading: reader(), window: 1024, overlap: 512)
    guard streamed.isComplete else { return }
    if streamed.findings != whole.findings {
        // The documented limits: a match longer than overlap/2 (256 bytes) may be cut or missed
        // at a window edge, and a value found from context is looked for again only within its
        // window (a value that occurs twice in the input may be missed in another window).
        let differing = streamed.findings.filter { !whole.findings.contains($0) } + whole.findings.filter { !streamed.findings.contains($0) }
        // A long match cut at a window edge leaves a piece of any length, overlapping the long one.
        let long = differing.filter { $0.range.count > 256 }
        // The same span by the same detector found through another route (raw in a window,
        // through the JSON layer in the whole input): the layer is diagnostic, the span and what
        // is redacted are the same.
        func sameSpan(_ a: Finding, _ b: Finding) -> Bool { a.detectorID == b.detectorID && a.range == b.range && a.layer != b.layer }
        let documented = differing.allSatisfy { finding in
            finding.range.count > 256 || long.contains { $0.detectorID == finding.detectorID && $0.range.overlaps(finding.range) }
                || farReading.contains(finding.detectorID)
                // Decoding applies per window: an encoded run cut by a window edge decodes as two
                // pieces (or as a piece that now reads as text), so decoded findings may differ.
                || finding.layer != nil
                || differing.contains { sameSpan($0, finding) }
                || occurrences(of: Array(input[finding.range.clamped(to: 0..<input.count)]), in: input) > 1
        }
        if documented {
            Fuzz.observe(
                "stream-documented-limit", input: input,
                "only in the stream \(describe(streamed.findings.filter { !whole.findings.contains($0) }, in: input)); only in the whole scan \(describe(whole.findings.filter { !streamed.findings.contains($0) }, in: input))")
            return
        }
        Fuzz.violated(
            "stream-equals-whole", input: input,
            "only in the stream \(describe(streamed.findings.filter { !whole.findings.contains($0) }, in: input)); only in the whole scan \(describe(whole.findings.filter { !streamed.findings.contains($0) }, in: input))")
    }
}

/// Detectors whose pattern may read more than 256 bytes (a counted repeat above 256, such as a
/// key block's `{40,16384}` look-ahead for its END line): the streaming guarantee covers a match
/// *with the context its detector looks at* within overlap/2, so at the harness' 1 KiB windows
/// their stream and whole-input findings may differ (at the default 512 KiB overlap they do not).
let farReading: Set<String> = {
    var ids = Set<String>()
    for detector in Shared.engine.detectors {
        let pattern = Array(detector.pattern.utf8)
        var index = 0
        while index < pattern.count {
            if pattern[index] == UInt8(ascii: "{"), index == 0 || pattern[index - 1] != UInt8(ascii: "\\") {
                var end = index + 1
                while end < pattern.count, pattern[end] != UInt8(ascii: "}") { end += 1 }
                let inside = String(decoding: pattern[(index + 1)..<min(end, pattern.count)], as: UTF8.self)
                let bounds = inside.split(separator: ",", omittingEmptySubsequences: false)
                if bounds.count == 2, let lower = Int(bounds[0]) {
                    if bounds[1].isEmpty || (Int(bounds[1]) ?? 0) > 256 || lower > 256 { ids.insert(detector.id) }
                } else if bounds.count == 1, let exact = Int(bounds[0]), exact > 256 {
                    ids.insert(detector.id)
                }
                index = end
            }
            index += 1
        }
    }
    return ids
}()

/// How often `needle` occurs in `input` (overlapping occurrences counted).
func occurrences(of needle: [UInt8], in input: UnsafeBufferPointer<UInt8>) -> Int {
    guard !needle.isEmpty, needle.count <= input.count else { return 0 }
    var count = 0
    for start in 0...(input.count - needle.count) where input[start] == needle[0] && input[start..<(start + needle.count)].elementsEqual(needle) {
        count += 1
    }
    return count
}

/// Checks ranges, order, line and column of `findings` in `input`.
func checkFindings(_ findings: [Finding], in input: UnsafeBufferPointer<UInt8>, what: String, invariant: String? = nil) {
    var previous: Range<Int>?
    for finding in findings {
        let range = finding.range
        Fuzz.check(
            range.lowerBound >= 0 && range.upperBound <= input.count && !range.isEmpty, invariant ?? "finding-range", input: input,
            "\(what): \(finding.detectorID) has range \(range) in \(input.count) bytes")
        if let previous {
            Fuzz.check(
                (previous.lowerBound, previous.upperBound) <= (range.lowerBound, range.upperBound), invariant ?? "finding-order", input: input,
                "\(what): \(range) comes after \(previous)")
        }
        previous = range
        guard range.lowerBound >= 0, range.lowerBound <= input.count else { continue }
        let before = input[..<range.lowerBound]
        let line = 1 + before.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        let lineStart = (before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
        Fuzz.check(
            finding.line == line && finding.column == range.lowerBound - lineStart + 1, invariant ?? "finding-position", input: input,
            "\(what): \(finding.detectorID) at \(range) reports \(finding.line):\(finding.column), expected \(line):\(range.lowerBound - lineStart + 1)")
    }
}

/// One redacted span: the union of overlapping findings, and the findings in it.
struct Span {
    var range: Range<Int>
    var findings: [Finding]
}

/// Findings (ordered by start) merged into disjoint spans: a finding that starts before the
/// current span ends joins it (as `Engine.redact` documents).
func mergedSpans(_ findings: [Finding]) -> [Span] {
    var spans: [Span] = []
    for finding in findings {
        if var last = spans.last, finding.range.lowerBound < last.range.upperBound {
            last.range = last.range.lowerBound..<max(last.range.upperBound, finding.range.upperBound)
            last.findings.append(finding)
            spans[spans.count - 1] = last
        } else {
            spans.append(Span(range: finding.range, findings: [finding]))
        }
    }
    return spans
}

/// A run of output bytes copied from the input: its range in the output and where it starts in
/// the input.
struct Gap {
    var output: Range<Int>
    var input: Int
}

/// Walks the placeholder output: the bytes between placeholders must be the input's bytes between
/// spans. Returns the placeholders' ranges in the output, and the copied runs.
func checkPlaceholderOutput(_ output: [UInt8], input: UnsafeBufferPointer<UInt8>, spans: [Span]) -> ([Range<Int>], [Gap]) {
    var placeholders: [Range<Int>] = []
    var gaps: [Gap] = []
    var position = 0
    var copied = 0
    for span in spans {
        let gap = input[copied..<span.range.lowerBound]
        guard position + gap.count <= output.count, output[position..<(position + gap.count)].elementsEqual(gap) else {
            Fuzz.violated(
                "unchanged-outside", input: input,
                "the bytes before the span \(span.range) (input \(copied)..<\(span.range.lowerBound)) differ in the output at \(position)")
            return (placeholders, gaps)
        }
        gaps.append(Gap(output: position..<(position + gap.count), input: copied))
        position += gap.count
        let start = position
        guard output[position...].starts(with: placeholderOpening),
            let close = output[(position + placeholderOpening.count)...].firstIndex(of: UInt8(ascii: "]"))
        else {
            Fuzz.violated("unchanged-outside", input: input, "no placeholder at \(position) of the output for span \(span.range)")
            return (placeholders, gaps)
        }
        let id = String(decoding: output[(position + placeholderOpening.count)..<close], as: UTF8.self)
        let widest = span.findings.dropFirst().reduce(span.findings[0]) { best, finding in
            (finding.range.count, finding.level) > (best.range.count, best.level) ? finding : best
        }
        Fuzz.check(
            id == widest.detectorID, "placeholder-name", input: input,
            "span \(span.range) is named '\(id)', expected '\(widest.detectorID)' of \(describe(span.findings, in: input))")
        position = close + 1
        placeholders.append(start..<position)
        copied = span.range.upperBound
    }
    Fuzz.check(
        output[position...].elementsEqual(input[copied...]), "unchanged-outside", input: input,
        "the bytes after the last span (input \(copied)...) differ in the output at \(position)")
    gaps.append(Gap(output: position..<output.count, input: copied))
    return (placeholders, gaps)
}

func describe(_ findings: [Finding], in input: UnsafeBufferPointer<UInt8>) -> String {
    "[" + findings.map { "\($0.detectorID) \($0.range)\($0.layer.map { " layer \($0)" } ?? "") \(Fuzz.show(input[$0.range.clamped(to: 0..<input.count)], limit: 60))" }.joined(separator: ", ") + "]"
}

/// Writes the examples of every built-in detector to `folder`, a few detectors to a file.
func emitExampleSeeds(to folder: String) {
    var file = 0
    var text: [UInt8] = []
    func flush() {
        guard !text.isEmpty else { return }
        if let handle = fopen("\(folder)/examples-\(file)", "wb") {
            fwrite(text, 1, text.count, handle)
            fclose(handle)
        }
        file += 1
        text = []
    }
    for detector in Shared.engine.detectors {
        for example in detector.examples + detector.negativeExamples {
            text += Array(example.utf8) + [UInt8(ascii: "\n")]
        }
        if text.count > 1024 { flush() }
    }
    flush()
    Fuzz.log("wrote \(file) seed files from \(Shared.engine.detectors.count) detectors to \(folder)")
}

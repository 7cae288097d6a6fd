import Cordon
import CordonGuard
import CordonJSON
import FuzzSupport

private let file = "fuzz.yaml"

/// Feeds arbitrary bytes as the text of a detector file to `DetectorSet.parse(yaml:file:)`, then
/// builds a set and compiles an `Engine` (what `cordon --detectors` does), and checks:
///
/// - no crash, and only `DetectorError` (the typed throws make the type a compile-time fact);
/// - `error-file`: every error names the file it was given;
/// - `example-leak`: no error message quotes an entry of an `examples` or `negative_examples`
///   list (one that is distinctive: see `isDistinctive`); `value-leak`: nor any other value of the
///   file (the parser documents "never quote a value from the file"), the detector id excepted;
///   `key-leak` (counted only): a field name quoted in a message.
/// - `parsed-detector`: a parsed detector keeps the rules the parser enforces (a valid id, the
///   file as source, at least 2 examples and 1 negative example, a non-empty pattern);
/// - compiled engines run each detector on its own examples (`Engine.checkExamples()`, as
///   `cordon detectors check` does) and scan the input itself, with findings in range.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let yaml = String(decoding: input, as: UTF8.self)
    do throws(DetectorError) {
        let detectors = try DetectorSet.parse(yaml: yaml, file: file)
        for detector in detectors {
            Fuzz.check(
                isValidID(detector.id) && detector.source == file && detector.examples.count >= 2
                    && detector.negativeExamples.count >= 1 && !detector.pattern.isEmpty,
                "parsed-detector", input: input, "detector '\(detector.id)' breaks a parser rule")
        }
        let engine = try Engine(DetectorSet(detectors))
        Fuzz.count("compiled")
        _ = engine.checkExamples()
        for finding in engine.scan(input).findings {
            Fuzz.check(
                finding.range.lowerBound >= 0 && finding.range.upperBound <= size && !finding.range.isEmpty, "finding-range",
                input: input, "\(finding.detectorID) has range \(finding.range) in \(size) bytes")
        }
    } catch {
        Fuzz.check(error.file == file, "error-file", input: input, "the error names '\(error.file)'")
        checkLeaks(error.message, detectorID: error.detectorID, yaml: yaml, input: input)
    }
    return 0
}

func checkLeaks(_ message: String, detectorID: String?, yaml: String, input: UnsafeBufferPointer<UInt8>) {
    let scalars = YAMLScalars(yaml, listKeys: ["examples", "negative_examples"])
    // A value inside a field name that the message quotes is the field name's (allowed).
    let quotedKeys = scalars.keys.filter { message.contains($0) }
    func quoted(_ value: String) -> Bool {
        isDistinctive(value) && value != detectorID && message.contains(value) && !quotedKeys.contains { $0.contains(value) }
    }
    // An example copied into another field (an unknown level, say) leaks through that field's
    // quoting: a value leak. An example leak is one quoted from the example lists themselves.
    let elsewhere = Set(scalars.values + scalars.keys)
    if let leaked = scalars.listed.first(where: { example in quoted(example) && !elsewhere.contains { $0.contains(example) } }) {
        Fuzz.violated("example-leak", input: input, "the message \(Fuzz.show(Array(message.utf8), limit: 300)) quotes the example \(Fuzz.show(Array(leaked.utf8)))")
    } else if let leaked = scalars.values.first(where: quoted) {
        Fuzz.violated("value-leak", input: input, "the message \(Fuzz.show(Array(message.utf8), limit: 300)) quotes the value \(Fuzz.show(Array(leaked.utf8)))")
    } else if let leaked = scalars.keys.first(where: quoted) {
        Fuzz.observe("key-leak", input: input, "the message \(Fuzz.show(Array(message.utf8), limit: 300)) quotes the field name \(Fuzz.show(Array(leaked.utf8)))")
    }
}

func isValidID(_ id: String) -> Bool {
    guard let first = id.utf8.first, first != UInt8(ascii: "-") else { return false }
    return id.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "-") }
}

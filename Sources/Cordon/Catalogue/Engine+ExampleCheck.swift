/// A detector example that did not behave as its detector file says.
public struct ExampleFailure: Sendable, Hashable, CustomStringConvertible {
    /// How the example failed.
    public enum Kind: Sendable, Hashable {
        /// An entry of `examples` in which the detector found nothing.
        case missed
        /// An entry of `negative_examples` in which the detector found something.
        case flagged
        /// An entry of `test_value_examples` in which the detector found nothing, or a value
        /// that is not a test value.
        case notTestValue
    }

    /// The detector's id.
    public var detectorID: String
    /// The file the detector came from.
    public var source: String
    /// How the example failed.
    public var kind: Kind
    /// The 1-based index of the example in its list.
    public var index: Int

    /// Creates a failure record.
    public init(detectorID: String, source: String, kind: Kind, index: Int) {
        self.detectorID = detectorID
        self.source = source
        self.kind = kind
        self.index = index
    }

    /// Names the file, the detector and the example by number, never the example's text.
    public var description: String {
        switch kind {
        case .missed: "\(source): detector '\(detectorID)': example #\(index) was not found"
        case .flagged: "\(source): detector '\(detectorID)': negative example #\(index) was flagged"
        case .notTestValue: "\(source): detector '\(detectorID)': test value example #\(index) was not found as a test value"
        }
    }
}

extension Engine {
    /// Runs every detector on its own examples, negative examples and test value examples.
    ///
    /// Each example is scanned by its detector alone, through the same keyword, pattern,
    /// allowlist, entropy and validator steps as a real scan.
    ///
    /// - Returns: The examples that failed; empty when all pass.
    public func checkExamples() -> [ExampleFailure] {
        var failures: [ExampleFailure] = []
        for (index, detector) in detectors.enumerated() {
            for (number, example) in detector.examples.enumerated() where findings(in: example, detector: index).isEmpty {
                failures.append(ExampleFailure(detectorID: detector.id, source: detector.source, kind: .missed, index: number + 1))
            }
            for (number, example) in detector.negativeExamples.enumerated() where !findings(in: example, detector: index).isEmpty {
                failures.append(ExampleFailure(detectorID: detector.id, source: detector.source, kind: .flagged, index: number + 1))
            }
            for (number, example) in detector.testValueExamples.enumerated() {
                let found = findings(in: example, detector: index)
                if found.isEmpty || !found.allSatisfy(\.isTestValue) {
                    failures.append(ExampleFailure(detectorID: detector.id, source: detector.source, kind: .notTestValue, index: number + 1))
                }
            }
        }
        return failures
    }

    private func findings(in example: String, detector: Int) -> [Finding] {
        var copy = example
        return copy.withUTF8 { scan($0, onlyDetector: detector).findings }
    }
}

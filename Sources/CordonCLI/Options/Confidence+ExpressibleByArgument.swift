import ArgumentParser
import Cordon

/// Confidences as option values (`--min-confidence medium`), by name.
extension Confidence: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

import ArgumentParser
import Cordon

/// Levels as option values (`--fail-level confidential`), by name.
extension Level: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

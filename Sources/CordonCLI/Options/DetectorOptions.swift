import ArgumentParser
import Cordon
import CordonGuard

/// Options that choose the detector set.
struct DetectorOptions: ParsableArguments {
    @Option(
        name: .customLong("detectors"),
        help: ArgumentHelp("Use the detector files in PATH (a file or folder) instead of the built-in set; repeatable.", valueName: "path"))
    var paths: [String] = []

    /// Loads and compiles the chosen detectors, or fails with the file and detector at fault.
    func makeEngine() throws -> Engine {
        try Guard.engine(detectorPaths: paths)
    }
}

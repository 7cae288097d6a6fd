import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation

/// `cordon detectors`: list and check detector sets.
struct DetectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detectors",
        abstract: "List or check detectors.",
        subcommands: [List.self, Check.self, Profile.self]
    )

    /// `cordon detectors list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List the detectors.")

        /// The output formats of `cordon detectors list`.
        enum Format: String, ExpressibleByArgument, CaseIterable {
            case text, jsonl
        }

        @Option(help: "Output format: text or jsonl.")
        var format: Format = .text

        @OptionGroup var detectorOptions: DetectorOptions

        func run() throws {
            let engine = try detectorOptions.makeEngine()
            var text = ""
            for detector in engine.detectors {
                switch format {
                case .jsonl:
                    text += JSONValue.members([
                        ("id", .string(detector.id)), ("category", .string(detector.category.rawValue)),
                        ("level", .string(detector.level.name)), ("examples", .int(detector.examples.count)),
                        ("negative_examples", .int(detector.negativeExamples.count)),
                    ]).text + "\n"
                case .text:
                    text += [detector.id, detector.category.rawValue, detector.level.name, detector.name]
                        .joined(separator: "\t") + "\n"
                }
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }

    /// `cordon detectors check`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Load detectors and run every example and negative example.",
            discussion: "Checks the built-in set when no path is given. Exit 1 names each failing example; exit 2 names a file or detector that does not load. Patterns with nested unbounded repeats or a leading unbounded repeat are reported as warnings (errors with --strict)."
        )

        @Argument(help: ArgumentHelp("Detector files or folders to check (default: the built-in set).", valueName: "path"))
        var paths: [String] = []

        @Flag(help: "Fail (exit 1) on pattern warnings too: nested unbounded repeats, a leading unbounded repeat.")
        var strict = false

        func run() throws {
            var options = DetectorOptions()
            options.paths = paths
            let engine = try options.makeEngine()
            let failures = engine.checkExamples()
            for failure in failures { Diagnostics.write(failure.description) }
            var warningCount = 0
            for detector in engine.detectors {
                for warning in detector.patternWarnings {
                    Diagnostics.write("warning: \(detector.source): detector '\(detector.id)': \(warning)")
                    warningCount += 1
                }
            }
            let examples = engine.detectors.reduce(0) { $0 + $1.examples.count + $1.negativeExamples.count }
            if !failures.isEmpty {
                Diagnostics.write("\(failures.count) of \(examples) examples failed in \(engine.detectors.count) detectors")
                throw ExitCode(1)
            }
            if strict, warningCount > 0 {
                Diagnostics.write("\(warningCount) pattern warning\(warningCount == 1 ? "" : "s") (--strict)")
                throw ExitCode(1)
            }
            print("ok: \(engine.detectors.count) detectors, \(examples) examples passed"
                + (warningCount > 0 ? ", \(warningCount) pattern warning\(warningCount == 1 ? "" : "s")" : ""))
        }
    }

    /// `cordon detectors profile`.
    struct Profile: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "profile",
            abstract: "Time each detector on a sample file, slowest first.",
            discussion: "Prints the keyword pass and every detector with its time in milliseconds, its share of the total and its raw match count; no values."
        )

        @Argument(help: ArgumentHelp("The sample to scan ('-' for standard input).", valueName: "path"))
        var path: String

        @Option(help: "How many detectors to print (0: all).")
        var top: Int = 25

        @OptionGroup var detectorOptions: DetectorOptions

        func run() throws {
            let engine = try detectorOptions.makeEngine()
            if path != "-", !FileManager.default.fileExists(atPath: path) {
                throw CommandFailure("\(path): no such file")
            }
            guard let data = try Input(path: path, foundInFolder: false).read() else { return }
            let timings = data.withUnsafeBytes { engine.profile($0.bindMemory(to: UInt8.self)) }
            let total = timings.reduce(0) { $0 + $1.seconds }
            let sorted = timings.sorted { $0.seconds > $1.seconds }
            var text = String(format: "%.1f ms in all for %d bytes (%.1f MB/s)\n", total * 1000, data.count,
                              total > 0 ? Double(data.count) / total / 1e6 : 0)
            for timing in top > 0 ? Array(sorted.prefix(top)) : sorted {
                text += String(format: "%9.2f ms %5.1f %%  %8d  %@\n", timing.seconds * 1000,
                               total > 0 ? 100 * timing.seconds / total : 0, timing.matches, timing.detectorID)
            }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}

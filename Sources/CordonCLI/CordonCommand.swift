import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation

/// The `cordon` command: scan, redact and check detectors.
@main
struct CordonCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cordon",
        abstract: "Find and redact secrets and personal data before text reaches a model.",
        discussion: """
            Exit status: 0 when nothing at or above the fail level was found, 1 when something \
            was, 2 on an error (a bad option, a missing path, a detector that could not finish).
            """,
        version: "0.1.0",
        subcommands: [ScanCommand.self, RedactCommand.self, DetectorsCommand.self, ServeCommand.self, HookCommand.self, MCPCommand.self, PolicyCommand.self, AuditCommand.self]
    )

    /// Runs the command, mapping every error to exit status 2 (usage errors included) so that
    /// callers can tell "found something" (1) from "could not decide" (2).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            if !message.isEmpty { Diagnostics.write("cordon: " + message) }
            Foundation.exit(2)
        }
    }
}

/// Writes diagnostics to standard error. Nothing written here may quote scanned input.
enum Diagnostics {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}

/// An error that ends a command with exit status 2 and a one-line message on standard error.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

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

extension Confidence: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

extension Level: ExpressibleByArgument {
    public init?(argument: String) { self.init(name: argument) }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}

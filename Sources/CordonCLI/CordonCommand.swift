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
        // Every command names itself (`commandName`): ArgumentParser derives a missing name with
        // `String(describing:)` of the type, whose conformance lookups walk the static binary's
        // conformance records — 13 M instructions in each `cordon scan` process, for the six
        // nested commands that had no name (callgrind, #13).
        subcommands: [
            ScanCommand.self, RedactCommand.self, DetectorsCommand.self, ServeCommand.self, HookCommand.self, MCPCommand.self,
            GatewayCommand.self, PolicyCommand.self, AuditCommand.self,
        ]
    )

    /// Runs the command, mapping every error to exit status 2 (usage errors included) so that
    /// callers can tell "found something" (1) from "could not decide" (2).
    static func main() {
        do {
            // A hook is one process per agent event: its command line is read directly when it
            // can be (``HookInvocation/init(directlyParsing:)``), the whole tree otherwise.
            if let hook = HookInvocation(directlyParsing: CommandLine.arguments) {
                try hook.run()
            } else {
                var command = try parseAsRoot()
                try command.run()
            }
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

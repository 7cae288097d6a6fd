import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation
import Logging

/// `cordon hook`: hooks for agent harnesses.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Apply the policy to agent hook events.",
        subcommands: [ClaudeCode.self]
    )

    /// `cordon hook claude-code`.
    struct ClaudeCode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "claude-code",
            abstract: "Handle one Claude Code hook event (JSON on standard input).",
            discussion: """
                UserPromptSubmit above the destination's level: exit 2, the reason on standard error. \
                PreToolUse: deny, or rewrite the tool input (updatedInput). PostToolUse: replace the \
                tool output in the tool's own shape (updatedToolOutput: redacted, or withheld), or stop \
                the agent where no such replacement exists. PostToolUseFailure: audit and add context. \
                PostToolBatch: stop the loop when a response still holds a value. Clean events: exit 0, \
                no output. A malformed event: exit 2 (fail closed). Reasons name detector ids and \
                counts, never values. Needs Claude Code 2.1.121 or later.
                """
        )

        @Option(help: "The destination whose level applies (default: the policy's default destination).")
        var destination: String?

        @Option(name: .customLong("operator"), help: "How values are replaced: placeholder, mask, hash or remove.")
        var operatorName: String = "placeholder"

        @Option(name: .customLong("hash-key-file"), help: ArgumentHelp("The key for --operator hash (the file's bytes).", valueName: "file"))
        var hashKeyFile: String?

        @Option(name: .customLong("rewrite-permission"), help: "The permission decision sent with a rewritten tool input: ask (default) or allow.")
        var rewritePermission: String = ClaudeCodeHook.RewriteDecision.ask.rawValue

        @Option(name: .customLong("max-bytes"), help: "The largest event accepted, in bytes; larger events are blocked.")
        var maximumBytes: Int = 64 * 1024 * 1024

        @OptionGroup var options: GuardOptions

        func validate() throws {
            guard RedactionOperator.names.contains(operatorName) else {
                throw ValidationError("unknown operator '\(operatorName)' (expected one of: \(RedactionOperator.names.joined(separator: ", ")))")
            }
            if operatorName == "hash", hashKeyFile == nil { throw ValidationError("--operator hash needs --hash-key-file") }
            guard ClaudeCodeHook.RewriteDecision(rawValue: rewritePermission) != nil else {
                throw ValidationError("--rewrite-permission must be ask or allow")
            }
        }

        func run() throws {
            let logger = options.makeLogger(label: "cordon.hook")
            let redactionOperator = try OperatorOptions.redactionOperator(named: operatorName, hashKeyFile: hashKeyFile)
            let pipeline = try options.makeGuard(logger: logger)
            let enforcer = pipeline.enforcer
            if let destination, enforcer.policy.destination(named: destination) == nil {
                throw CommandFailure(EnforcementError.unknownDestination(known: enforcer.policy.destinations.map(\.name)).description)
            }
            let audit = pipeline.audit
            let event = readEvent()
            let hook = ClaudeCodeHook(
                enforcer: enforcer, destination: destination, redactionOperator: redactionOperator,
                rewriteDecision: ClaudeCodeHook.RewriteDecision(rawValue: rewritePermission) ?? .ask)
            let outcome: HookOutcome
            if let event {
                outcome = hook.handle(event)
            } else {
                outcome = HookOutcome(
                    exitStatus: 2,
                    standardError: "cordon: the hook event is larger than --max-bytes (\(maximumBytes) bytes); blocked (fail closed)",
                    auditRecord: AuditRecord(operation: "invalid", action: .block, policyVersion: enforcer.policy.version, error: "event_too_large"))
            }
            if let audit {
                do {
                    try audit.append(outcome.auditRecord)
                } catch {
                    throw CommandFailure("\(error); the event is blocked (fail closed)")
                }
            }
            if !outcome.standardOutput.isEmpty { DescriptorOutput.standardOutput.write(outcome.standardOutput) }
            if !outcome.standardError.isEmpty { Diagnostics.write(outcome.standardError) }
            if outcome.exitStatus != 0 { throw ExitCode(outcome.exitStatus) }
        }

        /// The command `arguments` (the whole command line, program name first) name when it is
        /// `cordon hook claude-code` with options that parse; `nil` for anything else, help and
        /// errors included, which the full command tree then parses and reports as always.
        ///
        /// A hook runs as one process per agent event, so start-up is its latency. Parsing
        /// against the full tree of `cordon` reflects every subcommand's options and names
        /// (a quarter of a hook process's instructions); parsing the leaf command alone, with the
        /// same option definitions and validation, does not.
        static func parsedDirectly(from arguments: [String]) -> Self? {
            guard arguments.count >= 3, arguments[1] == "hook", arguments[2] == configuration.commandName else { return nil }
            return try? parse(Array(arguments.dropFirst(3)))
        }

        /// The event's bytes, or `nil` when it is larger than the limit.
        private func readEvent() -> [UInt8]? {
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                if count <= 0 { return bytes }
                bytes += chunk[0..<count]
                if bytes.count > maximumBytes { return nil }
            }
        }
    }
}

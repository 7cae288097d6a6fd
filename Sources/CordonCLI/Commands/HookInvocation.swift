import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation
import Logging

/// One `cordon hook claude-code` run: its options as plain values, and the run itself.
///
/// Kept apart from the ArgumentParser command (``HookCommand/ClaudeCode``) so that a hook can
/// run from options read without ArgumentParser (``init(directlyParsing:)``): a hook is one
/// process per agent event, and ArgumentParser's parse of even this one leaf command was a
/// quarter of the process's instructions (type-metadata and protocol-conformance lookups that
/// scan every conformance record of the binary, and `Mirror` reflection of the options).
struct HookInvocation: Equatable {
    var destination: String?
    var operatorName = "placeholder"
    var hashKeyFile: String?
    var rewritePermission = ClaudeCodeHook.RewriteDecision.ask.rawValue
    var maximumBytes = 64 * 1024 * 1024
    var settings = GuardSettings()

    /// Throws the usage error these options make, if any: the one check for the ArgumentParser
    /// command (``HookCommand/ClaudeCode``) and the direct parse, which declines what fails it so
    /// that the full parser reports it with the command's usage.
    func validate() throws {
        guard RedactionOperator.names.contains(operatorName) else {
            throw ValidationError("unknown operator '\(operatorName)' (expected one of: \(RedactionOperator.names.joined(separator: ", ")))")
        }
        if operatorName == "hash", hashKeyFile == nil { throw ValidationError("--operator hash needs --hash-key-file") }
        guard ClaudeCodeHook.RewriteDecision(rawValue: rewritePermission) != nil else {
            throw ValidationError("--rewrite-permission must be ask or allow")
        }
        try settings.validate()
    }

    /// Handles the event on standard input: the decision on standard output and error, the
    /// audit record appended, the exit status thrown as an ``ExitCode`` when it is not 0.
    func run() throws {
        let logger = settings.makeLogger(label: "cordon.hook")
        let redactionOperator = try OperatorOptions.redactionOperator(named: operatorName, hashKeyFile: hashKeyFile)
        let pipeline = try settings.makeGuard(logger: logger)
        let enforcer = pipeline.enforcer
        // A hook process handles one event and exits: the engine is never freed, on purpose.
        // Releasing it at the end of `run` freed its ~10,000 objects one by one, 1.9 M of the
        // process's ~45 M instructions (callgrind, #13), for memory the exit returns anyway.
        _ = Unmanaged.passRetained(enforcer)
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

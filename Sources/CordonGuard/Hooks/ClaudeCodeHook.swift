import Cordon
import CordonJSON

/// Applies a policy to one Claude Code hook event, following Claude Code's hook protocol
/// (minimum client version 2.1.121, the first whose `updatedToolOutput` works for every tool).
///
/// - `UserPromptSubmit`: a prompt above the destination's level is blocked (exit status 2, the
///   reason on standard error naming detector ids and counts): a prompt hook cannot rewrite the
///   prompt, so blocking is the only safe answer.
/// - `PreToolUse`: `tool_input` is redacted by ``ShapePreservingRedactor`` (keys, numbers and
///   discriminators kept; values replaced inside content strings; a value split across strings
///   found whole). A rewritten input goes out as `updatedInput` with the permission decision
///   ``RewriteDecision`` chooses; an input the policy blocks, or one whose value sits where it
///   cannot be replaced (a key, a number), is denied with a reason.
/// - `PostToolUse`: `tool_response` is redacted the same way and replaced through
///   `updatedToolOutput`. A blocked (or unredactable) response is replaced by
///   ``ToolOutputShapes/withheld(toolName:response:)``: the same keys and types with the marker
///   in its content strings. Where no such replacement exists (an image, an unknown shape), the
///   hook does not claim success: it stops the agent (`continue: false`) and audits the event
///   as a leak that could not be prevented (`leak_not_prevented`).
/// - `PostToolUseFailure`: the failing tool's output cannot be replaced (the protocol allows only
///   `additionalContext`); a value above the level is audited as `leak_not_prevented` and the
///   model is told not to use it.
/// - `PostToolBatch`: every `tool_calls[].tool_response` — what the model will actually
///   receive — is scanned; anything above the level (a rewrite the client dropped, a persisted
///   copy) stops the loop before the next model call (`continue: false`).
/// - Clean events, and events of other kinds: exit status 0 and no output.
/// - An event that is not a JSON object, or lacks the fields its kind needs: exit status 2.
///
/// For tool events, ``ToolPaths`` gives the path for path rules.
public struct ClaudeCodeHook: Sendable {
    /// The permission decision sent with a rewritten tool input.
    public enum RewriteDecision: String, Sendable, CaseIterable {
        /// Show the rewritten call to the user for approval (the default: a rewrite never grants
        /// a permission the user has not given).
        case ask
        /// Run the rewritten call without asking (it skips the permission prompt).
        case allow
    }

    /// The event kinds the hook handles; other events are allowed without a scan.
    public static let handledEvents: Set<String> = [
        "UserPromptSubmit", "PreToolUse", "PostToolUse", "PostToolUseFailure", "PostToolBatch",
    ]

    /// The audit error of an event whose values reached, or will reach, the model because the
    /// protocol gave no way to stop them.
    public static let leakNotPrevented = "leak_not_prevented"

    /// The enforcer holding the engine and the policy.
    public let enforcer: PolicyEnforcer
    /// The destination, or `nil` for the policy's default.
    public let destination: String?
    /// How redacted values are replaced.
    public let redactionOperator: RedactionOperator
    /// The permission decision sent with `updatedInput`.
    public let rewriteDecision: RewriteDecision

    /// The text that replaces the content of a withheld tool output.
    public static let withheld = ToolOutputShapes.withheld

    /// Creates a hook handler.
    public init(
        enforcer: PolicyEnforcer, destination: String? = nil, redactionOperator: RedactionOperator = .placeholder,
        rewriteDecision: RewriteDecision = .ask
    ) {
        self.enforcer = enforcer
        self.destination = destination
        self.redactionOperator = redactionOperator
        self.rewriteDecision = rewriteDecision
    }

    private var redactor: ShapePreservingRedactor {
        ShapePreservingRedactor(enforcer: enforcer, replacement: .operator(redactionOperator))
    }

    /// Handles one event, given as the bytes of its JSON.
    public func handle(_ eventBytes: [UInt8]) -> HookOutcome {
        let policyVersion = enforcer.policy.version
        let destinationName = destination ?? enforcer.policy.defaultDestination
        func malformed(_ why: String, operation: String = "invalid") -> HookOutcome {
            HookOutcome(
                exitStatus: 2, standardError: "cordon: malformed hook event: \(why); blocked (fail closed)",
                auditRecord: AuditRecord(
                    operation: operation, destination: destinationName, action: .block,
                    inputSHA256: AuditRecord.sha256(eventBytes), policyVersion: policyVersion, error: "malformed_event"))
        }
        let event: JSONValue
        do {
            event = try JSONValue(parsing: eventBytes)
        } catch {
            return malformed("not valid JSON (\(error))")
        }
        guard event.isObject else { return malformed("not a JSON object") }
        guard let name = event["hook_event_name"]?.stringValue else {
            return malformed("missing string field 'hook_event_name'")
        }
        let operation = Self.handledEvents.contains(name) ? name : "hook"
        let session = event["session_id"]?.stringValue
        let workingDirectory = event["cwd"]?.stringValue

        do throws(EnforcementError) {
            switch name {
            case "UserPromptSubmit":
                guard case .string(let prompt)? = event["prompt"] else {
                    return malformed("missing string field 'prompt'", operation: operation)
                }
                let context = MessageContext(destination: destination, source: .prompt, session: session)
                let result = try prompt.withUnsafeBufferPointer { (buffer) throws(EnforcementError) in
                    try enforcer.enforce(buffer, context: context)
                }
                var record = auditRecord(operation, context: context, decisions: [result.decision], input: prompt)
                guard result.action == .allow else {
                    // Whatever the policy's action, a prompt can only be blocked.
                    record.action = .block
                    record.outputSHA256 = nil
                    return HookOutcome(
                        exitStatus: 2,
                        standardError: "cordon: prompt blocked: \(result.decision.explanation). A prompt cannot be rewritten; remove the values and send it again.",
                        auditRecord: record)
                }
                record.outputSHA256 = record.inputSHA256
                return HookOutcome(exitStatus: 0, auditRecord: record)

            case "PreToolUse", "PostToolUse", "PostToolUseFailure":
                guard let toolName = event["tool_name"]?.stringValue else {
                    return malformed("missing string field 'tool_name'", operation: operation)
                }
                let toolInput = event["tool_input"]
                let path = ToolPaths.strictest(
                    ToolPaths.candidates(toolName: toolName, toolInput: toolInput, workingDirectory: workingDirectory),
                    policy: enforcer.policy)
                switch name {
                case "PreToolUse":
                    guard let toolInput else { return malformed("missing field 'tool_input'", operation: operation) }
                    let context = MessageContext(destination: destination, source: .toolInput, path: path, session: session)
                    return try preToolUse(toolInput, context: context)
                case "PostToolUse":
                    let context = MessageContext(destination: destination, source: .toolOutput, path: path, session: session)
                    guard let response = event["tool_response"] else {
                        return HookOutcome(
                            exitStatus: 0,
                            auditRecord: AuditRecord(
                                operation: operation, session: session, destination: destinationName, source: .toolOutput,
                                path: path, level: .public, action: .allow, policyVersion: policyVersion))
                    }
                    return try postToolUse(toolName: toolName, response: response, context: context)
                default:
                    let context = MessageContext(destination: destination, source: .toolOutput, path: path, session: session)
                    return try postToolUseFailure(event, context: context)
                }

            case "PostToolBatch":
                guard case .array(let calls)? = event["tool_calls"] else {
                    return malformed("missing array field 'tool_calls'", operation: operation)
                }
                return try postToolBatch(calls, session: session, workingDirectory: workingDirectory)

            default:
                return HookOutcome(
                    exitStatus: 0,
                    auditRecord: AuditRecord(
                        operation: operation, session: session, destination: destinationName, action: .allow,
                        inputSHA256: AuditRecord.sha256(eventBytes), policyVersion: policyVersion))
            }
        } catch {
            return HookOutcome(
                exitStatus: 2, standardError: "cordon: \(error); blocked (fail closed)",
                auditRecord: AuditRecord(
                    operation: operation, session: session, action: .block, inputSHA256: AuditRecord.sha256(eventBytes),
                    policyVersion: policyVersion, error: "unknown_destination"))
        }
    }

    // MARK: - Event kinds

    private func preToolUse(_ toolInput: JSONValue, context: MessageContext) throws(EnforcementError) -> HookOutcome {
        let result = try redactor.redact(toolInput, context: context)
        var record = auditRecord("PreToolUse", context: context, decisions: result.decisions, input: toolInput.serialized())
        let reason = "cordon: " + PolicyDecision.combinedExplanation(of: result.decisions)
        var output: JSONValue?
        if result.action == .allow {
            record.outputSHA256 = record.inputSHA256
        } else if let rewritten = result.rewritten {
            record.outputSHA256 = AuditRecord.sha256(rewritten.serialized())
            output = .object([
                "hookSpecificOutput": .object([
                    "hookEventName": .string("PreToolUse"),
                    "permissionDecision": .string(rewriteDecision.rawValue),
                    "permissionDecisionReason": .string(reason + " (values redacted in the tool input)"),
                    "updatedInput": rewritten,
                ]),
            ])
        } else {
            record.action = .block
            record.outputSHA256 = nil
            let why = result.action == .block ? "" : " (a value lies where it cannot be replaced: a key, a number or a type field)"
            output = .object([
                "hookSpecificOutput": .object([
                    "hookEventName": .string("PreToolUse"), "permissionDecision": .string("deny"),
                    "permissionDecisionReason": .string(reason + why),
                ]),
            ])
        }
        return outcome(output, record: record)
    }

    private func postToolUse(toolName: String, response: JSONValue, context: MessageContext) throws(EnforcementError) -> HookOutcome {
        let result = try redactor.redact(response, context: context)
        var record = auditRecord("PostToolUse", context: context, decisions: result.decisions, input: response.serialized())
        let reason = "cordon: " + PolicyDecision.combinedExplanation(of: result.decisions)
        if result.action == .allow {
            record.outputSHA256 = record.inputSHA256
            return outcome(nil, record: record)
        }
        if let rewritten = result.rewritten {
            record.outputSHA256 = AuditRecord.sha256(rewritten.serialized())
            return outcome(.object([
                "hookSpecificOutput": .object([
                    "hookEventName": .string("PostToolUse"), "updatedToolOutput": rewritten,
                ]),
            ]), record: record)
        }
        // Withhold the whole output, if an honest replacement of this shape exists and is clean.
        if let withheld = ToolOutputShapes.withheld(toolName: toolName, response: response),
            !ShapePreservingRedactor.holdsAny(of: result.foundValues, in: withheld),
            try redactor.redact(withheld, context: Self.contentOnly(context)).action == .allow
        {
            record.action = .block
            record.outputSHA256 = AuditRecord.sha256(withheld.serialized())
            return outcome(.object([
                "hookSpecificOutput": .object([
                    "hookEventName": .string("PostToolUse"),
                    "additionalContext": .string(reason + " (tool output withheld)"),
                    "updatedToolOutput": withheld,
                ]),
            ]), record: record)
        }
        // No honest replacement: stop the agent, and record that the output reached the transcript.
        record.action = .block
        record.outputSHA256 = nil
        record.error = Self.leakNotPrevented
        let stop = reason + "; the \(toolName) output cannot be replaced with the same shape, so the agent is stopped"
        return outcome(.object([
            "continue": .bool(false), "stopReason": .string(stop), "systemMessage": .string(stop),
            "hookSpecificOutput": .object(["hookEventName": .string("PostToolUse")]),
        ]), record: record)
    }

    private func postToolUseFailure(_ event: JSONValue, context: MessageContext) throws(EnforcementError) -> HookOutcome {
        // What the model receives of a failure: the error text (and a response, where sent).
        var members: [JSONMember] = []
        if let error = event["error"] { members.append(JSONMember(name: "error", value: error)) }
        if let response = event["tool_response"] { members.append(JSONMember(name: "tool_response", value: response)) }
        let content = JSONValue.object(members)
        let result = try redactor.redact(content, context: context)
        var record = auditRecord("PostToolUseFailure", context: context, decisions: result.decisions, input: content.serialized())
        record.outputSHA256 = record.inputSHA256
        guard result.action != .allow else { return outcome(nil, record: record) }
        record.error = Self.leakNotPrevented
        let reason = "cordon: " + PolicyDecision.combinedExplanation(of: result.decisions)
        return outcome(.object([
            "systemMessage": .string(reason + "; a failed tool's output cannot be replaced by a hook and reached the model"),
            "hookSpecificOutput": .object([
                "hookEventName": .string("PostToolUseFailure"),
                "additionalContext": .string(
                    reason + ". The failed tool's output above holds values the policy does not allow; do not repeat, store or send them anywhere."),
            ]),
        ]), record: record)
    }

    private func postToolBatch(_ calls: [JSONValue], session: String?, workingDirectory: String?) throws(EnforcementError) -> HookOutcome {
        var decisions: [PolicyDecision] = []
        var flagged: [String] = []
        var firstPath: String?
        for call in calls {
            guard let response = call["tool_response"] else { continue }
            let toolName = call["tool_name"]?.stringValue
            let path = ToolPaths.strictest(
                ToolPaths.candidates(toolName: toolName, toolInput: call["tool_input"], workingDirectory: workingDirectory),
                policy: enforcer.policy)
            let context = MessageContext(destination: destination, source: .toolOutput, path: path, session: session)
            let result = try redactor.redact(response, context: context)
            decisions += result.decisions.prefix(2)
            if result.action != .allow {
                flagged.append(toolName ?? "tool")
                if firstPath == nil { firstPath = path }
            }
        }
        let batch = JSONValue.array(calls.map { $0["tool_response"] ?? .null })
        let context = MessageContext(destination: destination, source: .toolOutput, path: firstPath, session: session)
        var record = auditRecord("PostToolBatch", context: context, decisions: decisions, input: batch.serialized())
        guard !flagged.isEmpty else {
            record.outputSHA256 = record.inputSHA256
            return outcome(nil, record: record)
        }
        record.action = .block
        record.outputSHA256 = nil
        let stop = "cordon: " + PolicyDecision.combinedExplanation(of: decisions)
            + "; the output of \(flagged.joined(separator: ", ")) still holds it, so the agent is stopped before the next model call"
        return outcome(.object([
            "continue": .bool(false), "stopReason": .string(stop), "systemMessage": .string(stop),
        ]), record: record)
    }

    // MARK: - Helpers

    /// `context` without its path: a replacement is checked for what its content holds, since
    /// a path rule would hold against any content.
    static func contentOnly(_ context: MessageContext) -> MessageContext {
        var context = context
        context.path = nil
        return context
    }

    private func outcome(_ output: JSONValue?, record: AuditRecord) -> HookOutcome {
        var bytes = output?.serialized() ?? []
        if !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
        return HookOutcome(exitStatus: 0, standardOutput: bytes, auditRecord: record)
    }

    /// The file a tool event is about, relative to `workingDirectory` when inside it.
    static func filePath(_ toolInput: JSONValue?, workingDirectory: String?) -> String? {
        ToolPaths.candidates(toolName: nil, toolInput: toolInput, workingDirectory: workingDirectory).first
    }

    private func auditRecord(
        _ operation: String, context: MessageContext, decisions: [PolicyDecision], input: [UInt8]
    ) -> AuditRecord {
        let counts = PolicyDecision.detectorCounts(across: decisions)
        return AuditRecord(
            operation: operation, session: context.session,
            destination: context.destination ?? enforcer.policy.defaultDestination, source: context.source,
            path: context.path, level: decisions.map(\.level).max() ?? .public,
            action: decisions.map(\.action).max() ?? .allow, detectorCounts: counts,
            inputSHA256: AuditRecord.sha256(input), policyVersion: enforcer.policy.version)
    }
}

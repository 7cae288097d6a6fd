import Cordon
import CordonJSON

/// Applies a policy to one Claude Code hook event (`UserPromptSubmit`, `PreToolUse`,
/// `PostToolUse`), following Claude Code's hook protocol.
///
/// - `UserPromptSubmit`: a prompt above the destination's level is blocked (exit status 2, the
///   reason on standard error naming detector ids and counts): a prompt hook cannot rewrite the
///   prompt, so blocking is the only safe answer.
/// - `PreToolUse`: the strings, numbers and member names of `tool_input` are scanned as one
///   message (a value found in one is redacted in all). A blocked input is
///   denied (`permissionDecision: "deny"` with a reason); a redacted one is rewritten through
///   `updatedInput`, the same object with its strings redacted, with the permission decision
///   ``RewriteDecision`` chooses.
/// - `PostToolUse`: `tool_response` is scanned the same way; a redacted response is replaced
///   through `updatedToolOutput`, same shape, strings redacted; a blocked one is replaced by the
///   same shape with every string withheld (and every number 0), and `decision: "block"` with a
///   reason.
/// - Clean events, and events of other kinds: exit status 0 and no output.
/// - An event that is not a JSON object, or lacks the fields its kind needs: exit status 2.
///
/// For tool events, `tool_input.file_path` (or `notebook_path`) is the path for path rules,
/// made relative to the event's `cwd` when it lies inside it.
public struct ClaudeCodeHook: Sendable {
    /// The permission decision sent with a rewritten tool input.
    public enum RewriteDecision: String, Sendable, CaseIterable {
        /// Show the rewritten call to the user for approval (the default: a rewrite never grants
        /// a permission the user has not given).
        case ask
        /// Run the rewritten call without asking (it skips the permission prompt).
        case allow
    }

    /// The enforcer holding the engine and the policy.
    public let enforcer: PolicyEnforcer
    /// The destination, or `nil` for the policy's default.
    public let destination: String?
    /// How redacted values are replaced.
    public let redactionOperator: RedactionOperator
    /// The permission decision sent with `updatedInput`.
    public let rewriteDecision: RewriteDecision

    /// The text that replaces every string of a withheld tool response.
    public static let withheld = "[WITHHELD by cordon]"

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
        let operation = ["UserPromptSubmit", "PreToolUse", "PostToolUse"].contains(name) ? name : "hook"
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

            case "PreToolUse", "PostToolUse":
                guard event["tool_name"]?.stringValue != nil else {
                    return malformed("missing string field 'tool_name'", operation: operation)
                }
                let toolInput = event["tool_input"]
                let path = Self.filePath(toolInput, workingDirectory: workingDirectory)
                let isPre = name == "PreToolUse"
                guard let content = isPre ? toolInput : event["tool_response"] else {
                    if isPre { return malformed("missing field 'tool_input'", operation: operation) }
                    return HookOutcome(
                        exitStatus: 0,
                        auditRecord: AuditRecord(
                            operation: operation, session: session, destination: destinationName, source: .toolOutput,
                            path: path, level: .public, action: .allow, policyVersion: policyVersion))
                }
                let context = MessageContext(
                    destination: destination, source: isPre ? .toolInput : .toolOutput, path: path, session: session)
                var decisions: [PolicyDecision] = []
                let rewritten = try redactStrings(in: content, context: context, decisions: &decisions)
                let inputBytes = content.serialized()
                var record = auditRecord(operation, context: context, decisions: decisions, input: inputBytes)
                let action = decisions.map(\.action).max() ?? .allow
                let reason = "cordon: " + Self.explanation(decisions)
                var output: JSONValue?
                switch (isPre, action) {
                case (_, .allow):
                    record.outputSHA256 = record.inputSHA256
                case (true, .block):
                    record.outputSHA256 = nil
                    output = .object([
                        "hookSpecificOutput": .object([
                            "hookEventName": .string("PreToolUse"), "permissionDecision": .string("deny"),
                            "permissionDecisionReason": .string(reason),
                        ]),
                    ])
                case (true, .redact):
                    record.outputSHA256 = AuditRecord.sha256(rewritten.serialized())
                    output = .object([
                        "hookSpecificOutput": .object([
                            "hookEventName": .string("PreToolUse"),
                            "permissionDecision": .string(rewriteDecision.rawValue),
                            "permissionDecisionReason": .string(reason + " (values redacted in the tool input)"),
                            "updatedInput": rewritten,
                        ]),
                    ])
                case (false, .redact):
                    record.outputSHA256 = AuditRecord.sha256(rewritten.serialized())
                    output = .object([
                        "hookSpecificOutput": .object([
                            "hookEventName": .string("PostToolUse"), "updatedToolOutput": rewritten,
                        ]),
                    ])
                case (false, .block):
                    let withheld = Self.withholdStrings(in: content)
                    record.outputSHA256 = AuditRecord.sha256(withheld.serialized())
                    output = .object([
                        "decision": .string("block"), "reason": .string(reason + " (tool output withheld)"),
                        "hookSpecificOutput": .object([
                            "hookEventName": .string("PostToolUse"), "updatedToolOutput": withheld,
                        ]),
                    ])
                }
                var bytes = output?.serialized() ?? []
                if !bytes.isEmpty { bytes.append(UInt8(ascii: "\n")) }
                return HookOutcome(exitStatus: 0, standardOutput: bytes, auditRecord: record)

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

    /// Returns `value` with every string, number and member name scanned and redacted,
    /// appending the decision to `decisions`.
    ///
    /// The texts are scanned as one message, one per line in document order, so a value found
    /// in one string (a password after `password=`) is found wherever else it stands, and a
    /// key split over neighbouring strings is seen whole. Each text gets the part of every
    /// redacted span that falls in it.
    private func redactStrings(
        in value: JSONValue, context: MessageContext, decisions: inout [PolicyDecision]
    ) throws(EnforcementError) -> JSONValue {
        var texts: [[UInt8]] = []
        Self.collectTexts(in: value, into: &texts)
        var combined: [UInt8] = []
        var ranges: [Range<Int>] = []
        for text in texts {
            if !ranges.isEmpty { combined.append(UInt8(ascii: "\n")) }
            ranges.append(combined.count..<(combined.count + text.count))
            combined += text
        }
        let result = try combined.withUnsafeBufferPointer { (buffer) throws(EnforcementError) in
            try enforcer.enforce(buffer, context: context, replacement: .operator(redactionOperator))
        }
        decisions.append(result.decision)
        guard result.action == .redact else { return value }
        let spans = Engine.mergedSpans(result.decision.aboveLimit)
        var next = 0
        let rewritten = combined.withUnsafeBufferPointer { buffer in
            Self.rewriteTexts(in: value) { text in
                let range = ranges[next]
                next += 1
                var output: [UInt8] = []
                var copied = range.lowerBound
                for span in spans where span.range.overlaps(range) {
                    let part = max(span.range.lowerBound, range.lowerBound)..<min(span.range.upperBound, range.upperBound)
                    output.append(contentsOf: buffer[copied..<part.lowerBound])
                    output += redactionOperator.replacement(for: UnsafeBufferPointer(rebasing: buffer[part]), detectorID: span.detectorID)
                    copied = part.upperBound
                }
                guard copied != range.lowerBound else { return nil }
                output.append(contentsOf: buffer[copied..<range.upperBound])
                return output
            }
        }
        return rewritten
    }

    /// Appends the texts of `value` in document order: member names, strings, number literals.
    static func collectTexts(in value: JSONValue, into texts: inout [[UInt8]]) {
        switch value {
        case .null, .bool: break
        case .number(let text): texts.append(Array(text.utf8))
        case .string(let bytes): texts.append(bytes)
        case .array(let items): for item in items { collectTexts(in: item, into: &texts) }
        case .object(let members):
            for member in members {
                texts.append(Array(member.name.utf8))
                collectTexts(in: member.value, into: &texts)
            }
        }
    }

    /// `value` with each text (in ``collectTexts(in:into:)``'s order) replaced by `rewrite`'s
    /// result; a number that changes becomes a string; `nil` keeps the text.
    static func rewriteTexts(in value: JSONValue, _ rewrite: ([UInt8]) -> [UInt8]?) -> JSONValue {
        switch value {
        case .null, .bool: return value
        case .number(let text): return rewrite(Array(text.utf8)).map(JSONValue.string) ?? value
        case .string(let bytes): return rewrite(bytes).map(JSONValue.string) ?? value
        case .array(let items): return .array(items.map { rewriteTexts(in: $0, rewrite) })
        case .object(let members):
            return .object(members.map { member in
                let name = rewrite(Array(member.name.utf8)).map { String(decoding: $0, as: UTF8.self) } ?? member.name
                return JSONMember(name: name, value: rewriteTexts(in: member.value, rewrite))
            })
        }
    }

    /// `value` with every string replaced by ``withheld`` and every number by 0, keeping the
    /// shape. Member names are withheld too (numbered, so they stay unique): a name can hold a
    /// value as well as a string can (fuzzing found a key leaking this way).
    static func withholdStrings(in value: JSONValue) -> JSONValue {
        switch value {
        case .null, .bool: value
        case .number: .number("0")
        case .string: .string(withheld)
        case .array(let items): .array(items.map(withholdStrings))
        case .object(let members):
            .object(members.enumerated().map { index, member in
                JSONMember(name: "\(withheld) \(index + 1)", value: withholdStrings(in: member.value))
            })
        }
    }

    /// The explanation of the most severe of `decisions`, with the counts of all findings above
    /// their limits.
    static func explanation(_ decisions: [PolicyDecision]) -> String {
        guard let worst = decisions.max(by: { ($0.action, $0.level) < ($1.action, $1.level) }) else { return "nothing found" }
        var combined = worst
        combined.level = decisions.map(\.level).max() ?? worst.level
        combined.aboveLimit = decisions.flatMap(\.aboveLimit)
        combined.findings = decisions.flatMap(\.findings)
        return combined.explanation
    }

    /// The file a tool event is about, relative to `workingDirectory` when inside it.
    static func filePath(_ toolInput: JSONValue?, workingDirectory: String?) -> String? {
        guard let path = toolInput?["file_path"]?.stringValue ?? toolInput?["notebook_path"]?.stringValue, !path.isEmpty
        else { return nil }
        if let workingDirectory, !workingDirectory.isEmpty {
            let prefix = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
            if path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
        }
        return path
    }

    private func auditRecord(
        _ operation: String, context: MessageContext, decisions: [PolicyDecision], input: [UInt8]
    ) -> AuditRecord {
        var counts: [String: Int] = [:]
        for decision in decisions {
            for (id, count) in PolicyDecision.detectorCounts(decision.findings) { counts[id, default: 0] += count }
        }
        return AuditRecord(
            operation: operation, session: context.session,
            destination: context.destination ?? enforcer.policy.defaultDestination, source: context.source,
            path: context.path, level: decisions.map(\.level).max() ?? .public,
            action: decisions.map(\.action).max() ?? .allow, detectorCounts: counts,
            inputSHA256: AuditRecord.sha256(input), policyVersion: enforcer.policy.version)
    }
}

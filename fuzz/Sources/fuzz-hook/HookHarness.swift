import Cordon
import CordonGuard
import CordonJSON
import FuzzSupport

private let destinations: [String?] = [nil, "public-api", "local", "vendor", "no-such-destination"]
private let operators: [RedactionOperator] = [.placeholder, .mask, .keyedHash(key: Array("fuzz-key".utf8)), .remove]

/// Feeds arbitrary bytes as a Claude Code hook event to `ClaudeCodeHook.handle(_:)`, with a
/// configuration (policy, destination, operator, rewrite permission) chosen by the input's length,
/// and checks:
///
/// - `exit-status`: the status is 0 or 2; `blocked-output`: with status 2 there is no standard
///   output and there is a reason on standard error;
/// - `output-json`: standard output, when not empty, is one JSON object and a line end, with
///   `hookSpecificOutput.hookEventName` (when present) the event's `hook_event_name`, and
///   `continue: false` only with a `stopReason`;
/// - `output-shape`: `updatedInput`/`updatedToolOutput` has the shape of `tool_input`/
///   `tool_response`, since Claude Code ignores a rewrite of another shape: the same member
///   names in the same order, the same type for every value, numbers, booleans and `type`
///   strings unchanged; a withheld output (one holding the marker) may shorten arrays and drop
///   Bash's persisted-output members;
/// - `output-leak`: no value found above the destination's limit in the content that the hook
///   rewrites (`tool_input` for PreToolUse, `tool_response` for PostToolUse, each string scanned
///   on its own) appears, standing alone, in a decoded string of standard output's JSON
///   (`output-leak-cross-string` when
///   the value stays in another string of the content, where a scan of that string alone misses
///   it); `stderr-leak`: no value found anywhere in the event appears on standard error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let policy = FuzzPolicies.all[(size / 40) % FuzzPolicies.all.count]
    let destination = destinations[size % destinations.count]
    let redactionOperator = operators[(size / 5) % operators.count]
    let rewrite: ClaudeCodeHook.RewriteDecision = (size / 20) % 2 == 0 ? .ask : .allow
    let enforcer = PolicyEnforcer(engine: SharedEngine.engine, policy: policy)
    let hook = ClaudeCodeHook(enforcer: enforcer, destination: destination, redactionOperator: redactionOperator, rewriteDecision: rewrite)
    let bytes = Array(input)
    let outcome = hook.handle(bytes)

    Fuzz.check(outcome.exitStatus == 0 || outcome.exitStatus == 2, "exit-status", input: input, "status \(outcome.exitStatus)")
    if outcome.exitStatus == 2 {
        Fuzz.check(
            outcome.standardOutput.isEmpty && !outcome.standardError.isEmpty, "blocked-output", input: input,
            "status 2 with \(outcome.standardOutput.count) bytes of output and \(outcome.standardError.utf8.count) of reason")
    }
    guard let event = try? JSONValue(parsing: bytes) else { return 0 }
    let name = event["hook_event_name"]?.stringValue
    Fuzz.count("event-\(["UserPromptSubmit", "PreToolUse", "PostToolUse"].contains(name ?? "") ? name! : "other")-status-\(outcome.exitStatus)")

    let stderrBytes = Array(outcome.standardError.utf8)
    let engine = SharedEngine.engine
    for value in valuesAbove(.public, in: event.allStrings, engine: engine, policy: policy) where Fuzz.containsStandalone(stderrBytes, value) {
        Fuzz.violated("stderr-leak", input: input, "standard error \(Fuzz.show(stderrBytes, limit: 300)) holds the found value \(Fuzz.show(value))")
    }

    guard !outcome.standardOutput.isEmpty else { return 0 }
    Fuzz.count("output")
    let output = outcome.standardOutput
    guard output.last == UInt8(ascii: "\n"), let reply = try? JSONValue(parsing: Array(output.dropLast())), reply.isObject else {
        Fuzz.violated("output-json", input: input, "the output is not one JSON object and a line end: \(Fuzz.show(output, limit: 300))")
        return 0
    }
    let specific = reply["hookSpecificOutput"]
    Fuzz.check(
        specific == nil || specific?["hookEventName"]?.stringValue == name, "output-json", input: input,
        "hookEventName \(specific?["hookEventName"]?.stringValue ?? "nil") for event \(name ?? "nil")")
    if reply["continue"] != nil {
        Fuzz.check(
            reply["continue"] == .bool(false) && reply["stopReason"]?.stringValue != nil, "output-json", input: input,
            "continue without false and a stopReason")
    }
    let isPre = name == "PreToolUse"
    if let content = isPre ? event["tool_input"] : event["tool_response"],
        let rewritten = isPre ? specific?["updatedInput"] : specific?["updatedToolOutput"]
    {
        let withheld = rewritten.allStrings.contains { $0.elementsEqual(ClaudeCodeHook.withheld.utf8) }
        Fuzz.check(sameShape(content, rewritten, withheld: withheld), "output-shape", input: input, "the rewritten content has another shape: \(Fuzz.show(rewritten.serialized(), limit: 300))")
        let limit = policy.destination(named: destination)?.maximumLevel ?? .restricted
        let strings = content.allStrings
        // Compared with the output's decoded strings (what Claude Code reads), not its serialized
        // bytes: a JSON escape such as `\n` before a word must not read as the letter `n`.
        let outputStrings = reply.allStrings
        for value in valuesAbove(limit, in: strings, engine: engine, policy: policy)
        where outputStrings.contains(where: { Fuzz.containsStandalone($0, value) }) {
            // A string of the content that holds the value where a scan of that string alone
            // does not find it: the value was found in another string, and hook strings are
            // scanned one by one (no propagation between them).
            let unfound = strings.first { string in
                Fuzz.containsStandalone(string, value)
                    && !engine.scan(string).findings.contains { Array(string[$0.range]) == value }
            }
            if let unfound {
                Fuzz.violated(
                    "output-leak-cross-string", input: input,
                    "the value \(Fuzz.show(value)), found above '\(limit.name)' in one string of the content, stays in another, \(Fuzz.show(unfound)), where a scan of that string alone misses it")
            } else {
                Fuzz.violated("output-leak", input: input, "the output \(Fuzz.show(output, limit: 400)) holds the value \(Fuzz.show(value)) found above '\(limit.name)'")
            }
        }
    }
    return 0
}

/// Whether `rewritten` has the shape of `original`: the same member names in the same order,
/// the same type for every value, numbers, booleans and `type` strings unchanged. A `withheld`
/// output may shorten an array (to items of the original items' shape) and drop Bash's
/// persisted-output members.
func sameShape(_ original: JSONValue, _ rewritten: JSONValue, withheld: Bool, protected: Bool = false) -> Bool {
    switch (original, rewritten) {
    case (.null, .null): true
    case (.bool(let a), .bool(let b)): a == b
    case (.number(let a), .number(let b)): a == b
    case (.string(let a), .string(let b)): !protected || a == b
    case (.array(let a), .array(let b)):
        if withheld, let first = a.first { b.allSatisfy { sameShape(first, $0, withheld: true) } }
        else { a.count == b.count && zip(a, b).allSatisfy { sameShape($0, $1, withheld: withheld) } }
    case (.object(let a), .object(let b)):
        sameMembers(a, b, withheld: withheld)
    default: false
    }
}

/// Whether the members `b` have the names of `a` in order (a withheld output may lack Bash's
/// persisted-output members) and each value the shape of its original.
func sameMembers(_ a: [JSONMember], _ b: [JSONMember], withheld: Bool) -> Bool {
    let names = Set(b.map(\.name))
    let kept = withheld ? a.filter { member in !ToolOutputShapes.persistedOutputMembers.contains(member.name) || names.contains(member.name) } : a
    return kept.map(\.name) == b.map(\.name)
        && zip(kept, b).allSatisfy { pair in sameShape(pair.0.value, pair.1.value, withheld: withheld, protected: pair.0.name == "type") }
}

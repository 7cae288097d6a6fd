import ArgumentParser
import Testing

@testable import CordonCLI

/// The hook's own reading of its command line (``HookInvocation/init(directlyParsing:)``), which
/// skips ArgumentParser for start-up's sake, against ArgumentParser's reading of the same
/// arguments: whatever it accepts must mean exactly what the full parser makes of it.
@Suite("Hook options read directly")
struct HookDirectParseTests {
    /// The direct reading of `cordon hook claude-code` + `arguments`.
    private func direct(_ arguments: [String]) -> HookInvocation? {
        HookInvocation(directlyParsing: ["cordon", "hook", "claude-code"] + arguments)
    }

    /// ArgumentParser's reading of the same arguments (validation included), as a plain run.
    private func parsed(_ arguments: [String]) -> HookInvocation? {
        (try? HookCommand.ClaudeCode.parse(arguments))?.invocation
    }

    @Test("the command lines a hook is installed with are read directly, each option to the same value", arguments: [
        [],
        ["--log-level", "warning"],
        ["--destination", "cloud-model", "--operator", "mask"],
        ["--destination=cloud-model", "--operator=remove", "--rewrite-permission=allow"],
        ["--policy", "/etc/cordon/policy.yaml", "--audit", "/var/log/cordon.jsonl", "--audit-key-file", "/etc/cordon/audit.key"],
        ["--detectors", "/a", "--detectors=/b b", "--detectors", "/c"],
        ["--operator", "hash", "--hash-key-file", "/k", "--max-bytes", "1048576"],
        ["--max-bytes=0", "--log-level=trace", "--policy=a=b.yaml"],
    ])
    func acceptedLinesMatch(arguments: [String]) throws {
        let read = try #require(direct(arguments))
        let full = try #require(parsed(arguments))
        #expect(read == full)
    }

    @Test("help, version, errors and anything unusual are left to the whole command tree", arguments: [
        ["--help"], ["-h"], ["help"], ["--version"], ["--no-such-option", "x"], ["--destination"], ["--destination", ""],
        ["--destination", "a", "--destination", "b"], ["--operator", "hash"], ["--operator", "shout"],
        ["--rewrite-permission", "deny"], ["--audit-key-file", "/k"], ["--max-bytes", "-1"], ["--max-bytes", "12k"],
        ["--max-bytes", "+5"], ["--log-level", "loud"], ["--", "--policy", "p"], ["--policy", "--audit"], ["-x"], ["--"],
        ["--detectors", "-d"], ["extra"],
    ])
    func unusualLinesDeclined(arguments: [String]) {
        #expect(direct(arguments) == nil)
    }

    @Test("only `cordon hook claude-code` is read directly")
    func otherCommandsDeclined() {
        #expect(HookInvocation(directlyParsing: ["cordon", "hook"]) == nil)
        #expect(HookInvocation(directlyParsing: ["cordon", "serve", "claude-code"]) == nil)
        #expect(HookInvocation(directlyParsing: ["cordon", "hook", "claude"]) == nil)
        #expect(HookInvocation(directlyParsing: ["cordon", "scan", "hook", "claude-code"]) == nil)
    }

    @Test("on 2,000 generated command lines, every one read directly means what ArgumentParser reads")
    func generatedLinesAgree() {
        let names = [
            "destination", "operator", "hash-key-file", "rewrite-permission", "max-bytes", "policy", "audit", "audit-key-file",
            "log-level", "detectors", "unknown",
        ]
        let values = [
            "placeholder", "mask", "hash", "remove", "ask", "allow", "deny", "info", "debug", "error", "critical", "0", "17",
            "65536", "-3", "x=y", "a b", "é", "", "--audit", "/tmp/p.yaml", "cloud",
        ]
        var generator = SplitMix64(seed: 13)
        var accepted = 0
        for _ in 0..<2_000 {
            var arguments: [String] = []
            for _ in 0..<generator.next(below: 6) {
                let name = "--" + names[generator.next(below: names.count)]
                let value = values[generator.next(below: values.count)]
                if generator.next(below: 3) == 0 { arguments.append(name + "=" + value) } else { arguments += [name, value] }
            }
            guard let read = direct(arguments) else { continue }
            accepted += 1
            #expect(parsed(arguments) == read, "arguments #\(accepted) read differently: \(arguments)")
        }
        // The comparison must cover a fair share of accepted lines, or it proves nothing.
        #expect(accepted > 200)
    }
}

/// A small seeded generator, so that the generated command lines are the same on every run.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }
}

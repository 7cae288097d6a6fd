import Cordon
import CordonTestSupport
import Testing

@testable import CordonGuard

/// The policy's decision table, in process: each named case is one message, destination and
/// path, and the level, action and forwarded text the policy must give it.
@Suite("Policy decision table")
struct PolicyDecisionTableTests {
    /// One row of the table.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var text: String
        var destination: String? = nil
        var path: String? = nil
        var level: Level
        var action: PolicyAction
        /// The text forwarded; `nil` when nothing may go out.
        var output: String?

        var testDescription: String { name }
    }


    static let cases: [Case] = [
        Case(name: "nothing found: public, allowed as it is", text: "hello", level: .public, action: .allow, output: "hello"),
        Case(
            name: "a detector override raises the level above the destination: redacted",
            text: "db1.corp.internal", level: .confidential, action: .redact, output: "[REDACTED:fx-host]"),
        Case(
            name: "the same message within another destination's level: allowed",
            text: "db1.corp.internal", destination: "onprem", level: .confidential, action: .allow, output: "db1.corp.internal"),
        Case(
            name: "a detector whose override says block: blocked, nothing forwarded",
            text: "key tok_abcdef123456", level: .restricted, action: .block, output: nil),
        Case(
            name: "a category override raises e-mail to restricted: redacted",
            text: "write to ann@example.test", level: .restricted, action: .redact, output: "write to [REDACTED:fx-mail]"),
        Case(
            name: "a destination whose action is block: blocked",
            text: "ann@example.test", destination: "strict", level: .restricted, action: .block, output: nil),
        Case(
            name: "an active exception for the path lets the finding through",
            text: "ann@example.test", path: "docs/help.md", level: .public, action: .allow, output: "ann@example.test"),
        Case(
            name: "the exception does not apply outside its path",
            text: "ann@example.test", path: "src/help.md", level: .restricted, action: .redact, output: "[REDACTED:fx-mail]"),
        Case(
            name: "a path rule makes a clean file restricted: blocked, redaction cannot clean it",
            text: "hello", path: "src/auth/login.go", level: .restricted, action: .block, output: nil),
        Case(
            name: "a path rule by extension", text: "hello", path: "keys/server.pem", level: .restricted, action: .block,
            output: nil),
        Case(
            name: "a path rule anchored at the root", text: "hello", path: "infra/main.tf", level: .restricted, action: .block,
            output: nil),
        Case(
            name: "a path-only exception lifts the path rules for its files",
            text: "hello", path: "infra/examples/main.tf", level: .public, action: .allow, output: "hello"),
        Case(
            name: "a path no rule matches stays public", text: "hello", path: "src/main.swift", level: .public, action: .allow,
            output: "hello"),
        Case(
            name: "a destination that takes restricted content: a restricted file is allowed",
            text: "hello", destination: "local", path: "infra/main.tf", level: .restricted, action: .allow, output: "hello"),
        Case(
            name: "a destination that takes restricted content: a blocking detector is allowed",
            text: "tok_abcdef123456", destination: "local", level: .restricted, action: .allow, output: "tok_abcdef123456"),
        Case(
            name: "an expired exception no longer applies",
            text: "db1.corp.internal", destination: "onprem", level: .confidential, action: .allow, output: "db1.corp.internal"),
        Case(
            name: "only the findings above the limit are redacted; the rest is left alone",
            text: "db1.corp.internal ann@example.test", destination: "onprem", level: .restricted, action: .redact,
            output: "db1.corp.internal [REDACTED:fx-mail]"),
    ]

    static let enforcer: PolicyEnforcer = {
        do {
            return PolicyEnforcer(engine: SidecarFixtures.engine, policy: try Policy.parse(yaml: SidecarFixtures.policyYAML, file: "policy.yaml"))
        } catch {
            fatalError("the table's policy does not load: \(error)")
        }
    }()

    @Test("each case is decided as the table says", arguments: cases)
    func decide(_ row: Case) throws {
        let enforcement = try Self.enforcer.enforce(
            row.text, context: MessageContext(destination: row.destination, path: row.path), replacement: .operator(.placeholder),
            on: CalendarDay(year: 2026, month: 12, day: 6)!)
        #expect(enforcement.level == row.level)
        #expect(enforcement.action == row.action)
        #expect(enforcement.output.map { String(decoding: $0, as: UTF8.self) } == row.output)
    }

    @Test("an incomplete scan blocks under a closed policy, whatever was found")
    func incompleteScanFailsClosed() throws {
        let enforcement = try Self.enforcer.enforce(
            SidecarFixtures.slowText, context: MessageContext(), replacement: .operator(.placeholder))
        #expect(!enforcement.scan.isComplete)
        #expect(enforcement.action == .block)
        #expect(enforcement.output == nil)
    }

    @Test("an incomplete scan under an open policy is decided on what was found")
    func incompleteScanFailsOpen() throws {
        let open = try Policy.parse(yaml: "failure_mode: open\n" + SidecarFixtures.policyYAML, file: "open.yaml")
        let enforcer = PolicyEnforcer(engine: SidecarFixtures.engine, policy: open)
        let text = SidecarFixtures.slowText + " ann@example.test"
        let enforcement = try enforcer.enforce(text, context: MessageContext(), replacement: .operator(.placeholder))
        #expect(!enforcement.scan.isComplete)
        #expect(enforcement.action == .redact)
        let output = String(decoding: try #require(enforcement.output), as: UTF8.self)
        #expect(output.hasSuffix(" [REDACTED:fx-mail]"))
    }

    @Test("an unknown destination and reversible placeholders without a session are errors")
    func requestErrors() {
        #expect(throws: EnforcementError.self) {
            try Self.enforcer.enforce("hello", context: MessageContext(destination: "mars"))
        }
        #expect(throws: EnforcementError.self) {
            try Self.enforcer.enforce("ann@example.test", context: MessageContext(), replacement: .reversiblePlaceholder)
        }
    }

    @Test("a scan without a replacement decides but forwards nothing")
    func scanOnly() throws {
        let enforcement = try Self.enforcer.enforce("ann@example.test", context: MessageContext())
        #expect(enforcement.action == .redact)
        #expect(enforcement.output == nil)
        #expect(enforcement.decision.findings.map(\.detectorID) == ["fx-mail"])
    }
}

import Cordon
import CordonTestSupport
import Foundation
import Testing

@testable import CordonGuard

/// The policy enforcer redacts through the engine's settling loop: values that only appear once
/// a neighbour is replaced are redacted too, and a value found once is redacted everywhere.
@Suite("Enforcer settling")
struct EnforcerSettlingTests {
    static let engine = Fixtures.builtInEngine

    @Test("A value found again is reported even where a lower-level finding covers part of it")
    func propagationPastOverlaps() throws {
        // The fuzzer's hook input, reduced: the second `jrod.corp:5431/ordes` holds a host name
        // (`internal-hostname`, internal), which used to shield the password from propagation;
        // the default destination allows internal, so the password went out.
        let text = "password=jrod.corp:5431/ordes\rnmail x jrod.corp:5431/ordes\rnmail"
        let found = Self.engine.scan(text).findings
        #expect(found.contains { $0.detectorID == "password-assignment" && $0.range == 9..<29 })
        #expect(found.contains { $0.detectorID == "password-assignment" && $0.range == 38..<58 })
        let enforcer = PolicyEnforcer(engine: Self.engine, policy: .builtIn())
        let output = try #require(try enforcer.enforce(text, context: MessageContext(), replacement: .operator(.placeholder)).output)
        #expect(!String(decoding: output, as: UTF8.self).contains("5431/ordes"))
    }

    @Test("The policy enforcer settles its redactions too")
    func enforcerSettles() throws {
        let enforcer = PolicyEnforcer(engine: Self.engine, policy: .builtIn())
        let text = "Patient 4250680814040 6425068140"
        let enforcement = try enforcer.enforce(text, context: MessageContext(), replacement: .operator(.placeholder))
        let output = try #require(enforcement.output)
        #expect(!String(decoding: output, as: UTF8.self).contains("6425068140"))
        #expect(enforcement.scan.findings.map(\.range) == [8..<21, 22..<32])
        #expect(Self.engine.scan(output).findings.isEmpty)
    }
}

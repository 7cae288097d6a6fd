import Cordon
import CordonTestSupport
import Foundation
import Testing

@testable import CordonGuard

/// The filters redact documentation and test values like any other value: only their spelling
/// says they are harmless, and a real key can be pasted next to its documented example.
@Suite("Test values in the policy enforcer")
struct TestValueEnforcementTests {
    static let engine = Fixtures.builtInEngine

    @Test("The built-in policy redacts documentation and test values and classifies the message by them")
    func redactsTestValues() throws {
        let values = [
            "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "4111 1111 1111 1111", "912-34-5678",
            "jane.doe@example.com", "sk_test_4eC39HqLyjWDarjtT1zdp7dc",
        ]
        let text = """
            aws_access_key_id = \(values[0])
            aws_secret_access_key = \(values[1])
            card \(values[2]), SSN: \(values[3]), mail \(values[4])
            stripe.api_key = "\(values[5])"
            """
        let enforcer = PolicyEnforcer(engine: Self.engine, policy: .builtIn())
        let enforcement = try enforcer.enforce(text, context: MessageContext(), replacement: .operator(.placeholder))
        #expect(enforcement.scan.findings.count == values.count)
        #expect(enforcement.scan.findings.allSatisfy { $0.isTestValue })
        #expect(enforcement.level == .restricted)
        let output = String(decoding: try #require(enforcement.output), as: UTF8.self)
        for value in values {
            #expect(!output.contains(value), "a test value went out")
        }
    }
}

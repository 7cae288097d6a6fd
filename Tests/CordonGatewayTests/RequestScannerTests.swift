@testable import CordonGateway
import CordonGuard
import CordonJSON
import Testing

@Suite("Request scanning: every string, nested tool arguments, sessions")
struct RequestScannerTests {
    typealias F = GatewayFixtures

    private func scan(_ json: String, session: String) throws -> RequestScan {
        try RequestScanner(enforcer: F.enforcer).scan(try JSONValue(parsing: Array(json.utf8)), context: MessageContext(source: .prompt, session: session))
    }

    @Test("values in content parts, system prompts, tool schemas, tool-call arguments and unknown keys become placeholders")
    func everyString() throws {
        let body = #"""
        {"model":"m","x_unknown":{"note":"cc jane.doe@acme-corp.io"},
         "messages":[{"role":"system","content":"owner ops.lead@globex-corp.io"},
                     {"role":"user","content":[{"type":"text","text":"mail jane.doe@acme-corp.io"}]},
                     {"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"to\":\"jane.doe\\u0040acme-corp.io\"}"}}]}],
         "tools":[{"type":"function","function":{"name":"f","description":"default recipient ravi.k@initech-corp.io","parameters":{"type":"object"}}}]}
        """#
        let result = try scan(body, session: F.session())
        #expect(result.action == .redact)
        let output = String(decoding: result.body!.serialized(), as: UTF8.self)
        for value in ["jane.doe@acme-corp.io", "ops.lead@globex-corp.io", "ravi.k@initech-corp.io", "jane.doe\\\\u0040acme"] {
            #expect(!output.contains(value))
        }
        let token = try #require(output.range(of: "⟦EMAIL_1_[0-9A-Z]{6}⟧", options: .regularExpression).map { String(output[$0]) })
        #expect(result.detectorCounts["email", default: 0] >= 4)
        // The same value gets the same placeholder everywhere in the session.
        #expect(output.components(separatedBy: token).count - 1 >= 3)
    }

    @Test("placeholders belong to one session")
    func sessionsAreSeparate() throws {
        let first = F.session("a"), second = F.session("b")
        let mine = String(decoding: try scan(#"{"a":"x ravi.k@initech-corp.io"}"#, session: first).body!.serialized(), as: UTF8.self)
        let other = try scan(#"{"a":"y jane.doe@acme-corp.io"}"#, session: second)
        let output = String(decoding: other.body!.serialized(), as: UTF8.self)
        let pattern = "⟦EMAIL_1_[0-9A-Z]{6}⟧"
        let token = try #require(mine.range(of: pattern, options: .regularExpression).map { String(mine[$0]) })
        let otherToken = try #require(output.range(of: pattern, options: .regularExpression).map { String(output[$0]) })
        #expect(token != otherToken, "the same number, another token in another session")
        let restored = F.filter(session: first).restore(Array(token.utf8))
        #expect(String(decoding: restored, as: UTF8.self) == "ravi.k@initech-corp.io")
        #expect(F.filter(session: second).restore(Array(token.utf8)) == Array(token.utf8))
    }

    @Test("content above the level blocks the request under a blocking policy, and the reason names detectors, not values")
    func blockedUnderBlockingPolicy() throws {
        let policy = try Policy.parse(yaml: """
            default_destination: public-api
            destinations:
              public-api:
                max_level: internal
                action: block
            """, file: "test")
        let enforcer = PolicyEnforcer(engine: F.enforcer.engine, policy: policy)
        let body = try JSONValue(parsing: Array(#"{"messages":[{"role":"user","content":"mail jane.doe@acme-corp.io"}]}"#.utf8))
        let result = try RequestScanner(enforcer: enforcer).scan(body, context: MessageContext(session: F.session()))
        #expect(result.isBlocked)
        #expect(result.body == nil)
        #expect(result.explanation?.contains("email") == true)
        #expect(result.explanation?.contains("jane") == false)
    }
}

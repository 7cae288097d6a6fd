@testable import CordonGateway
import CordonGuard
import CordonJSON
import Testing

@Suite("Decision cache: a resent conversation is scanned once per message")
struct DecisionCacheTests {
    typealias F = GatewayFixtures

    private func conversation(_ turns: Int) throws -> JSONValue {
        var messages: [String] = []
        for turn in 0..<turns {
            messages.append(#"{"role":"user","content":"turn \#(turn): write to person.\#(turn)@acme-corp.io"}"#)
            messages.append(#"{"role":"assistant","content":"done \#(turn)"}"#)
        }
        return try JSONValue(parsing: Array(#"{"model":"m","messages":[\#(messages.joined(separator: ","))]}"#.utf8))
    }

    @Test("the second scan of a conversation plus one message hits the cache for every old message, with the same output")
    func resentConversation() throws {
        let cache = DecisionCache()
        let scanner = RequestScanner(enforcer: F.enforcer, cache: cache)
        let context = MessageContext(source: .prompt, session: F.session())
        let first = try scanner.scan(try conversation(5), context: context)
        #expect(cache.statistics == (0, 10))
        let second = try scanner.scan(try conversation(6), context: context)
        #expect(cache.statistics.hits == 10)
        #expect(cache.statistics.misses == 12)
        guard case .array(let old)? = first.body?["messages"], case .array(let new)? = second.body?["messages"] else {
            Issue.record("no messages")
            return
        }
        #expect(Array(new.prefix(10)) == old)
        #expect(second.detectorCounts["email"] == 6)
        #expect(second.action == .redact)
        let uncached = try RequestScanner(enforcer: F.enforcer).scan(try conversation(6), context: context)
        #expect(uncached.body == second.body)
    }

    @Test("an entry whose placeholders the session no longer knows is not used")
    func forgottenSession() throws {
        let cache = DecisionCache()
        let scanner = RequestScanner(enforcer: F.enforcer, cache: cache)
        let session = F.session()
        let context = MessageContext(source: .prompt, session: session)
        _ = try scanner.scan(try conversation(1), context: context)
        F.enforcer.placeholders.removeSession(session)
        let again = try scanner.scan(try conversation(1), context: context)
        // The assistant message has no placeholder and is still good; the user message is not.
        #expect(cache.statistics.hits == 1)
        let restored = F.filter(session: session).restore(again.body!.serialized())
        #expect(String(decoding: restored, as: UTF8.self).contains("person.0@acme-corp.io"))
    }

    @Test("the cache is bounded by entries")
    func bounded() throws {
        let cache = DecisionCache(maximumEntries: 3)
        let scanner = RequestScanner(enforcer: F.enforcer, cache: cache)
        let context = MessageContext(source: .prompt, session: F.session())
        _ = try scanner.scan(try conversation(4), context: context)
        _ = try scanner.scan(try conversation(4), context: context)
        // Only the 3 most recent messages stay; an LRU walked in order finds none of the first five.
        #expect(cache.statistics.hits <= 3)
    }
}

@testable import CordonGateway
import Cordon
import CordonGuard
import CordonJSON
import Testing

@Suite("Scanning a body as received: unchanged bytes forwarded as they came, cached messages by the hash of their bytes")
struct RequestBytesScanTests {
    typealias F = GatewayFixtures

    private static let email = "jane.doe@acme-corp.io"

    /// A body with odd but valid spellings (white space, escapes, number forms) that a
    /// re-serialisation would change.
    private static let body = #"""
        { "model" : "m",  "temperature": 1.50e+0,
          "messages": [ {"role":"system", "content":"be brief \u00e9"} ,
                        {"role":"user","content":"mail jane.doe@acme-corp.io now"},
                        {"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"to\":\"jane.doe\\u0040acme-corp.io\"}"}}]} ],
          "x_unknown": {"note": "cc ravi.k@initech-corp.io"}, "stream": false }
        """#

    private func scan(_ text: String, session: String, cache: DecisionCache? = nil) throws -> RequestScan? {
        try RequestScanner(enforcer: F.enforcer, cache: cache).scan(bytes: Array(text.utf8), context: MessageContext(source: .prompt, session: session))
    }

    @Test("only the rewritten strings change: every other byte is forwarded as received, and the result equals the parsed scan's")
    func splicesOnlyRewrittenValues() throws {
        let session = F.session()
        let result = try #require(try scan(Self.body, session: session))
        let output = String(decoding: try #require(result.bytes), as: UTF8.self)
        #expect(!output.contains(Self.email) && !output.contains("ravi.k@initech") && !output.contains("jane.doe\\\\u0040"))
        for kept in [#"{ "model" : "m",  "temperature": 1.50e+0,"#, #"{"role":"system", "content":"be brief \u00e9"} ,"#, #", "stream": false }"#] {
            #expect(output.contains(kept))
        }
        #expect(result.action == .redact)
        let parsed = try RequestScanner(enforcer: F.enforcer).scan(try JSONValue(parsing: Array(Self.body.utf8)), context: MessageContext(source: .prompt, session: session))
        #expect(try JSONValue(parsing: Array(output.utf8)) == parsed.body)
        #expect(parsed.detectorCounts == result.detectorCounts)
    }

    @Test("a body with nothing to rewrite is forwarded byte for byte")
    func untouchedBody() throws {
        let text = #"{"model":"m", "messages":[{"role":"user","content":"hello"}]}"#
        let result = try #require(try scan(text, session: F.session()))
        #expect(result.bytes == Array(text.utf8))
        #expect(result.action == .allow)
    }

    @Test("a conversation resent with one new message hits the cache for every old message and forwards the same bytes")
    func resentConversation() throws {
        let cache = DecisionCache()
        let session = F.session()
        func conversation(_ turns: Int) -> String {
            let messages = (0..<turns).map { #"{"role":"user","content":"turn \#($0): person.\#($0)@acme-corp.io"}, {"role":"assistant","content":"ok \#($0)"}"# }
            return #"{"model":"m","messages":[\#(messages.joined(separator: ", "))]}"#
        }
        let first = try #require(try scan(conversation(3), session: session, cache: cache))
        #expect(cache.statistics == (0, 6))
        let second = try #require(try scan(conversation(4), session: session, cache: cache))
        #expect(cache.statistics.hits == 6)
        let firstText = String(decoding: try #require(first.bytes), as: UTF8.self)
        let secondText = String(decoding: try #require(second.bytes), as: UTF8.self)
        #expect(secondText.hasPrefix(String(firstText.dropLast(2))))
        #expect(second.detectorCounts["email"] == 4)
        let uncached = try #require(try scan(conversation(4), session: session))
        #expect(uncached.bytes == second.bytes)
    }

    @Test("bodies the reader does not accept fall back to the strict parser", arguments: [
        #"["not an object"]"#, #"{"a":1} trailing"#, #"{"a":1,"a":2}"#, #"{"\u0061":1,"a":2}"#, #"{"messages":[{"a":1,}]}"#,
        #"{"messages":[1 2]}"#, #"{"a":tru}"#, #"{"a":"unterminated}"#, #"{"messages":[{"a":"b"}]"#, "{\"a\":\"raw\ncontrol\"}",
        "{\"messages\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}",
    ])
    func fallsBack(text: String) throws {
        #expect(try scan(text, session: F.session()) == nil)
    }

    @Test("whatever the reader accepts, the strict parser accepts too — also after a cached message, under 2,000 mutations")
    func agreesWithTheParser() throws {
        let cache = DecisionCache()
        let session = F.session()
        let original = Array(Self.body.utf8)
        _ = try scan(Self.body, session: session, cache: cache)
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]",:\ 0a1e"#.utf8)
        var accepted = 0
        for _ in 0..<2_000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(alphabet.randomElement(using: &generator)!, at: position)
                default: bytes[position] = alphabet.randomElement(using: &generator)!
                }
            }
            let result = try RequestScanner(enforcer: F.enforcer, cache: cache).scan(bytes: bytes, context: MessageContext(source: .prompt, session: session))
            guard let result else { continue }
            accepted += 1
            #expect((try? JSONValue(parsing: bytes)) != nil, "accepted a body the parser rejects: \(String(decoding: bytes, as: UTF8.self))")
            if let forwarded = result.bytes { #expect((try? JSONValue(parsing: forwarded)) != nil) }
        }
        #expect(accepted > 0)
    }
}

@Suite("Clean-text cache: short strings that held nothing are not scanned again, and no decision changes")
struct CleanTextCacheTests {
    typealias F = GatewayFixtures

    @Test("a body scanned with the cache, twice, gives the uncached scan's output and counts; a short value is never remembered")
    func sameDecisions() throws {
        let cleanTexts = CleanTextCache()
        let body = Array(#"{"model":"m","messages":[{"role":"user","content":"hello"},{"role":"user","content":"jane.doe@acme-corp.io"}]}"#.utf8)
        let session = F.session()
        let context = MessageContext(source: .prompt, session: session)
        let plain = try #require(try RequestScanner(enforcer: F.enforcer).scan(bytes: body, context: context))
        for _ in 0..<2 {
            let cached = try #require(try RequestScanner(enforcer: F.enforcer, cleanTexts: cleanTexts).scan(bytes: body, context: context))
            #expect(cached.bytes == plain.bytes)
            #expect(cached.detectorCounts == plain.detectorCounts)
            #expect(cached.level == plain.level && cached.action == plain.action)
        }
        #expect(cleanTexts.isClean(Array("role".utf8), context: context))
        #expect(cleanTexts.isClean(Array("hello".utf8), context: context))
        #expect(!cleanTexts.isClean(Array("jane.doe@acme-corp.io".utf8), context: context))
        // Per destination: another destination has its own answers.
        #expect(!cleanTexts.isClean(Array("role".utf8), context: MessageContext(destination: "elsewhere", source: .prompt, session: session)))
    }
}

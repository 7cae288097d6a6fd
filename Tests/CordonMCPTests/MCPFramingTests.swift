import CordonGuard
import CordonJSON
import Testing

@testable import Cordon
@testable import CordonMCP

/// Shared set-up: a filter over the built-in detectors and policy.
enum MCPFixtures {
    static let engine: Engine = {
        do { return try Engine(DetectorSet.builtIn()) } catch { fatalError("built-in detectors do not load: \(error)") }
    }()

    static func filter(
        _ configuration: MCPProxyConfiguration = MCPProxyConfiguration(), policy: Policy = .builtIn()
    ) -> MCPFilter {
        MCPFilter(enforcer: PolicyEnforcer(engine: engine, policy: policy), configuration: configuration)
    }

    static func line(_ text: String) -> LineReader.Line { .complete(Array(text.utf8)) }

    static func json(_ line: [UInt8]) throws -> JSONValue {
        try #require(line.last == UInt8(ascii: "\n"))
        return try JSONValue(parsing: Array(line.dropLast()))
    }

    static func text(_ output: MCPFilterOutput) -> String {
        (output.toClient + output.toServer).map { String(decoding: $0, as: UTF8.self) }.joined()
            + output.diagnostics.joined()
    }
}

@Suite("cordon mcp: framing and bad input")
struct MCPFramingTests {
    @Test("a line that is not JSON from the client is answered with a parse error and not forwarded")
    func clientGarbage() throws {
        let output = MCPFixtures.filter().fromClient(MCPFixtures.line("hello there"))
        #expect(output.toServer.isEmpty)
        let answer = try MCPFixtures.json(try #require(output.toClient.first))
        #expect(answer["error"]?["code"] == .number("-32700"))
        #expect(answer["id"] == .null)
    }

    @Test("a line that is not valid UTF-8 is rejected as a whole")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"{"jsonrpc":"2.0","id":1,"method":"ping","params":{"x":""#.utf8) + [0xC3, 0x28] + Array(#""}}"#.utf8)
        let output = MCPFixtures.filter().fromClient(.complete(bytes))
        #expect(output.toServer.isEmpty)
        #expect(output.toClient.count == 1)
    }

    @Test("an oversized request is answered with an error that carries its id")
    func oversized() throws {
        let output = MCPFixtures.filter().fromClient(.oversized(prefix: Array(#"{"jsonrpc":"2.0","id":17,"method":"tools/call","params":{"#.utf8)))
        #expect(output.toServer.isEmpty)
        let answer = try MCPFixtures.json(try #require(output.toClient.first))
        #expect(answer["id"] == .number("17"))
        #expect(answer["error"]?["code"] == .number("-32603"))
        #expect(answer["error"]?["message"]?.stringValue?.contains("larger than") == true)
    }

    @Test("non-JSON on the server's standard output is never forwarded")
    func serverGarbage() {
        let output = MCPFixtures.filter().fromServer(MCPFixtures.line("Server started on stdio, token AKIAFHSG4A7UNZQWWYEV"))
        #expect(output.toClient.isEmpty)
        #expect(output.toServer.isEmpty)
        #expect(!MCPFixtures.text(output).contains("AKIA"))
    }

    @Test("a response to no request in flight is dropped")
    func unsolicited() {
        let output = MCPFixtures.filter().fromServer(MCPFixtures.line(#"{"jsonrpc":"2.0","id":99,"result":{}}"#))
        #expect(output.toClient.isEmpty)
    }

    @Test("when the server exits, every request in flight is answered")
    func serverExit() throws {
        let filter = MCPFixtures.filter()
        _ = filter.fromClient(MCPFixtures.line(#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#))
        _ = filter.fromClient(MCPFixtures.line(#"{"jsonrpc":"2.0","id":"b","method":"resources/list"}"#))
        #expect(filter.pendingClientRequests == 2)
        let output = filter.serverClosed()
        let ids = try output.toClient.map { try MCPFixtures.json($0)["id"] }
        #expect(Set(ids.compactMap { $0.map(MCPFilter.key) }) == ["1", "\"b\""])
        #expect(filter.pendingClientRequests == 0)
        // A request after that is answered at once.
        let later = filter.fromClient(MCPFixtures.line(#"{"jsonrpc":"2.0","id":3,"method":"ping"}"#))
        #expect(later.toServer.isEmpty)
        #expect(try MCPFixtures.json(try #require(later.toClient.first))["error"] != nil)
    }

    @Test("a batch is forwarded as a batch, with refused members answered by the proxy")
    func batch() throws {
        let filter = MCPFixtures.filter(MCPProxyConfiguration(toolRules: [ToolRule(tool: "shell", action: .block)]))
        let output = filter.fromClient(MCPFixtures.line(
            #"[{"jsonrpc":"2.0","id":1,"method":"tools/list"},{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"shell","arguments":{}}},{"jsonrpc":"2.0","method":"notifications/initialized"}]"#))
        let forwarded = try MCPFixtures.json(try #require(output.toServer.first))
        guard case .array(let items) = forwarded else { Issue.record("not a batch"); return }
        #expect(items.count == 2)
        let answers = try MCPFixtures.json(try #require(output.toClient.first))
        guard case .array(let answered) = answers else { Issue.record("not a batch"); return }
        #expect(answered.count == 1)
        #expect(answered[0]["result"]?["isError"] == .bool(true))
    }

    @Test("protocol versions 2024-11-05 to 2026-07-28: initialize and server/discover both pass")
    func versions() {
        let filter = MCPFixtures.filter()
        for text in [
            #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2024-11-05","capabilities":{},"clientInfo":{"name":"c","version":"1"}}}"#,
            #"{"jsonrpc":"2.0","id":1,"method":"server/discover","params":{"_meta":{"protocolVersion":"2026-07-28"}}}"#,
        ] {
            let output = filter.fromClient(MCPFixtures.line(text))
            #expect(output.toServer.count == 1)
            #expect(output.toClient.isEmpty)
        }
    }
}

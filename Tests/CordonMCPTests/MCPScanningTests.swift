import CordonGuard
import CordonJSON
import CordonTestSupport
import Testing

@testable import Cordon
@testable import CordonMCP

/// What is scanned in each direction, and how refusals are answered.
@Suite("cordon mcp: scanning by direction")
struct MCPScanningTests {
    static let mail = "jdoe4821@acme-corp.io"
    static let key = "AKIAFHSG4A7UNZQWWYEV"

    static func call(_ filter: MCPFilter, id: Int = 1, tool: String, arguments: String) -> MCPFilterOutput {
        filter.fromClient(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)","arguments":\#(arguments)}}"#))
    }

    @Test("a tool result toward the model: text, structuredContent and embedded resource text redacted consistently")
    func toolResult() throws {
        let filter = MCPFixtures.filter()
        _ = Self.call(filter, tool: "lookup", arguments: "{}")
        let output = filter.fromServer(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"owner \#(Self.mail)"},{"type":"resource","resource":{"uri":"file:///a","mimeType":"text/plain","text":"key \#(Self.key)"}}],"structuredContent":{"owner":"\#(Self.mail)","seats":3},"isError":false}}"#))
        let answer = try MCPFixtures.json(try #require(output.toClient.first))
        let result = try #require(answer["result"])
        let token = try #require(result["structuredContent"]?["owner"]?.stringValue)
        #expect(token.hasPrefix("⟦EMAIL_1_") && token.hasSuffix("⟧"))
        #expect(result["structuredContent"]?["seats"] == .number("3"))
        guard case .array(let content)? = result["content"] else { Issue.record("no content"); return }
        #expect(content[0]["text"]?.stringValue == "owner \(token)")
        #expect(content[1]["resource"]?["text"]?.stringValue?.hasPrefix("key ⟦AWS_ACCESS_KEY_ID_1_") == true)
        #expect(content[1]["resource"]?["uri"]?.stringValue == "file:///a")
        #expect(!MCPFixtures.text(output).contains(Self.mail))
    }

    @Test("audit records carry the messages' SHA-256 only when the configuration hashes content (an audit log is written)")
    func contentHashes() throws {
        let arguments = #"{"owner":"\#(Self.mail)"}"#
        let hashed = Self.call(MCPFixtures.filter(), tool: "lookup", arguments: arguments)
        let record = try #require(hashed.audit.first)
        #expect(record.inputSHA256?.count == 64)
        #expect(record.outputSHA256?.count == 64)
        #expect(record.inputSHA256 != record.outputSHA256, "the argument was redacted on the way")
        let unhashed = Self.call(MCPFixtures.filter(MCPProxyConfiguration(hashesContent: false)), tool: "lookup", arguments: arguments)
        let plain = try #require(unhashed.audit.first)
        #expect(plain.inputSHA256 == nil)
        #expect(plain.outputSHA256 == nil)
        #expect(plain.detectorCounts == record.detectorCounts)
        // What is forwarded does not depend on it (each filter's placeholders have their own
        // suffix, so the two messages have the same length, not the same bytes).
        #expect(unhashed.toServer.count == 1 && hashed.toServer.count == 1)
        #expect(unhashed.toServer.first?.count == hashed.toServer.first?.count)
        #expect(!MCPFixtures.text(unhashed).contains(Self.mail))
    }

    @Test("a blob that decodes to a secret blocks the tool result; one that does not decode blocks it too")
    func blobs() throws {
        for blob in ["a2V5IEFLSUFGSFNHNEE3VU5aUVdXWUVWIGhlcmU=", "!!!not base64!!!"] {
            let filter = MCPFixtures.filter()
            _ = Self.call(filter, tool: "download", arguments: "{}")
            let output = filter.fromServer(MCPFixtures.line(
                #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"resource","resource":{"uri":"file:///k","mimeType":"application/octet-stream","blob":"\#(blob)"}}]}}"#))
            let answer = try MCPFixtures.json(try #require(output.toClient.first))
            #expect(answer["result"]?["isError"] == .bool(true))
            guard case .array(let content)? = answer["result"]?["content"] else { Issue.record("no content"); continue }
            #expect(content[0]["text"]?.stringValue?.hasPrefix("blocked by cordon:") == true)
            #expect(!MCPFixtures.text(output).contains(blob))
        }
    }

    @Test("a clean image passes untouched")
    func cleanImage() throws {
        let filter = MCPFixtures.filter()
        _ = Self.call(filter, tool: "screenshot", arguments: "{}")
        let line = #"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"image","data":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==","mimeType":"image/png"}]}}"#
        let output = filter.fromServer(MCPFixtures.line(line))
        #expect(output.toClient.first.map { String(decoding: $0, as: UTF8.self) } == line + "\n")
    }

    @Test("a blocked non-tool request gets -32602 with the reason; a blocked non-tool result -32603; never -32600")
    func errorCodes() throws {
        let policy = try Policy.parse(yaml: """
            default_destination: api
            destinations:
              api: {max_level: internal, action: block}
            """, file: "p.yaml")
        let filter = MCPFixtures.filter(policy: policy)
        let request = filter.fromClient(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":1,"method":"prompts/get","params":{"name":"review","arguments":{"owner":"\#(Self.mail)"}}}"#))
        #expect(request.toServer.isEmpty)
        let refused = try MCPFixtures.json(try #require(request.toClient.first))
        #expect(refused["error"]?["code"] == .number("-32602"))
        #expect(refused["error"]?["message"]?.stringValue?.contains("email ×1") == true)

        _ = filter.fromClient(MCPFixtures.line(#"{"jsonrpc":"2.0","id":2,"method":"resources/read","params":{"uri":"config://app"}}"#))
        let result = filter.fromServer(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":2,"result":{"contents":[{"uri":"config://app","text":"admin \#(Self.mail)"}]}}"#))
        let blocked = try MCPFixtures.json(try #require(result.toClient.first))
        #expect(blocked["error"]?["code"] == .number("-32603"))
        #expect(blocked["error"]?["message"]?.stringValue?.hasPrefix("blocked by cordon:") == true)
        #expect(!MCPFixtures.text(request).contains(Self.mail) && !MCPFixtures.text(result).contains(Self.mail))
    }

    @Test("a secret in a resource URI cannot be redacted in place and is refused")
    func uriRefused() throws {
        let output = MCPFixtures.filter().fromClient(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":4,"method":"resources/read","params":{"uri":"s3://bucket/\#(Self.key)"}}"#))
        #expect(output.toServer.isEmpty)
        #expect(try MCPFixtures.json(try #require(output.toClient.first))["error"]?["code"] == .number("-32602"))
    }

    @Test("server requests toward the model: a sampling request is redacted; the client's answer is scanned toward the server")
    func sampling() throws {
        let filter = MCPFixtures.filter()
        let request = filter.fromServer(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":"s1","method":"sampling/createMessage","params":{"messages":[{"role":"user","content":{"type":"text","text":"mail \#(Self.mail)"}}],"maxTokens":10}}"#))
        let forwarded = try MCPFixtures.json(try #require(request.toClient.first))
        #expect(!MCPFixtures.text(request).contains(Self.mail))
        #expect(forwarded["params"]?["maxTokens"] == .number("10"))
        let answer = filter.fromClient(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":"s1","result":{"role":"assistant","content":{"type":"text","text":"the key is \#(Self.key)"},"model":"m"}}"#))
        let sent = try MCPFixtures.json(try #require(answer.toServer.first))
        #expect(sent["id"]?.stringValue == "s1")
        #expect(!MCPFixtures.text(answer).contains(Self.key))
    }

    @Test("2026-07-28: inputRequests in a result and inputResponses in the retry are scanned")
    func inputRequired() throws {
        let filter = MCPFixtures.filter()
        _ = Self.call(filter, tool: "deploy", arguments: "{}")
        let result = filter.fromServer(MCPFixtures.line(
            #"{"jsonrpc":"2.0","id":1,"result":{"resultType":"input_required","inputRequests":{"r1":{"method":"elicitation/create","params":{"message":"confirm for \#(Self.mail)","requestedSchema":{"type":"object","properties":{}}}}}}}"#))
        let forwarded = try MCPFixtures.json(try #require(result.toClient.first))
        #expect(forwarded["result"]?["resultType"]?.stringValue == "input_required")
        #expect(!MCPFixtures.text(result).contains(Self.mail))
        let retry = Self.call(filter, id: 2, tool: "deploy", arguments: #"{},"inputResponses":{"r1":{"action":"accept","content":{"token":"\#(Self.key)"}}}"#)
        #expect(!MCPFixtures.text(retry).contains(Self.key))
        #expect(retry.toServer.count == 1)
    }

    @Test("notifications toward the model are redacted")
    func notifications() throws {
        let output = MCPFixtures.filter().fromServer(MCPFixtures.line(
            #"{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"login by \#(Self.mail)"}}"#))
        #expect(output.toClient.count == 1)
        #expect(!MCPFixtures.text(output).contains(Self.mail))
    }

    @Test("the two directions have their own destinations")
    func destinations() throws {
        let policy = try Policy.parse(yaml: """
            default_destination: model
            destinations:
              model: {max_level: internal, action: redact}
              server: {max_level: restricted}
            """, file: "p.yaml")
        let filter = MCPFixtures.filter(MCPProxyConfiguration(modelDestination: "model", serverDestination: "server"), policy: policy)
        let call = Self.call(filter, tool: "send", arguments: #"{"to":"\#(Self.mail)"}"#)
        #expect(MCPFixtures.text(call).contains(Self.mail))
        let result = filter.fromServer(MCPFixtures.line(#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"sent to \#(Self.mail)"}]}}"#))
        #expect(!MCPFixtures.text(result).contains(Self.mail))
    }

    @Test("placeholders are restored only in the arguments of tools a rule names")
    func restoration() throws {
        let filter = MCPFixtures.filter(MCPProxyConfiguration(toolRules: [ToolRule(tool: "send_*", restoresArguments: true)]))
        _ = Self.call(filter, tool: "lookup", arguments: "{}")
        let seen = filter.fromServer(MCPFixtures.line(#"{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"owner \#(Self.mail)"}]}}"#))
        // The token is random: take the one the model was shown.
        let text = MCPFixtures.text(seen)
        let token = try #require(text.range(of: "⟦EMAIL_1_[0-9A-Z]{6}⟧", options: .regularExpression).map { String(text[$0]) })
        let named = Self.call(filter, id: 2, tool: "send_mail", arguments: #"{"to":"\#(token)"}"#)
        #expect(MCPFixtures.text(named).contains(Self.mail))
        let other = Self.call(filter, id: 3, tool: "fetch", arguments: #"{"url":"https://x.test/?q=\#(token)"}"#)
        #expect(!MCPFixtures.text(other).contains(Self.mail))
        #expect(MCPFixtures.text(other).contains(token))
    }

    @Test("a per-tool rule allows one detector for one tool, so a false positive does not force the proxy off")
    func perToolDetector() throws {
        let filter = MCPFixtures.filter(MCPProxyConfiguration(toolRules: [ToolRule(tool: "crm_*", allowedDetectors: ["email"])]))
        let allowed = Self.call(filter, tool: "crm_lookup", arguments: #"{"who":"\#(Self.mail)","key":"\#(Self.key)"}"#)
        #expect(MCPFixtures.text(allowed).contains(Self.mail))
        #expect(!MCPFixtures.text(allowed).contains(Self.key))
        let other = Self.call(filter, id: 2, tool: "lookup", arguments: #"{"who":"\#(Self.mail)"}"#)
        #expect(!MCPFixtures.text(other).contains(Self.mail))
    }

    @Test("audit records name detectors and counts, never values")
    func auditRecords() throws {
        let filter = MCPFixtures.filter()
        let output = Self.call(filter, tool: "send", arguments: #"{"body":"\#(Self.key)"}"#)
        let record = try #require(output.audit.first)
        #expect(record.operation == "mcp tools/call")
        #expect(record.detectorCounts["aws-access-key-id"] == 1)
        #expect(record.action == .redact)
        #expect(!"\(record)".contains(Self.key))
    }
}

/// The policy file's `mcp_tools` entries.
@Suite("cordon mcp: per-tool policy entries")
struct MCPToolPolicyTests {
    static let yaml = """
        default_destination: api
        destinations:
          api: {max_level: internal, action: redact}
        mcp_tools:
          - tool: 'send_*'
            restore_arguments: true
          - tool: crm_lookup
            allow_detectors: [email]
          - tool: shell
            action: block
        """

    @Test("mcp_tools entries are read with their action, restoration and allowed detectors")
    func parsed() throws {
        _ = try Policy.parse(yaml: Self.yaml, file: "p.yaml")
        let rules = try Policy.toolRules(yaml: Self.yaml, file: "p.yaml")
        #expect(rules == [
            ToolRule(tool: "send_*", restoresArguments: true),
            ToolRule(tool: "crm_lookup", allowedDetectors: ["email"]),
            ToolRule(tool: "shell", action: .block),
        ])
        #expect(rules.rule(for: "send_mail")?.restoresArguments == true)
        #expect(rules.rule(for: "fetch") == nil)
    }

    @Test("a bad mcp_tools entry is an error naming the line", arguments: [
        ("mcp_tools:\n  - tool: x\n    action: maybe\n", 6),
        ("mcp_tools:\n  - tool: x\n    restore_arguments: yes\n", 6),
        ("mcp_tools:\n  - tool: x\n    colour: red\n", 6),
        ("mcp_tools:\n  - action: block\n", 5),
    ])
    func badEntries(tail: String, line: Int) {
        let yaml = "default_destination: api\ndestinations:\n  api: {max_level: internal}\n" + tail
        #expect(throws: PolicyError.self) { try Policy.parse(yaml: yaml, file: "p.yaml") }
        do {
            _ = try Policy.parse(yaml: yaml, file: "p.yaml")
        } catch {
            #expect(error.line == line)
        }
    }
}

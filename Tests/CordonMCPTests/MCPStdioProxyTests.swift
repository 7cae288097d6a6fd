import CordonGuard
import CordonJSON
import Foundation
import Synchronization
import Testing

@testable import CordonMCP

/// The stdio transport with a real child process (a shell script standing in for a server).
@Suite("cordon mcp: the stdio transport")
struct MCPStdioProxyTests {
    /// Runs the proxy in front of `sh -c script`, writes `input` as the client, closes the
    /// client's side, and returns what the client received and the exit status.
    static func run(script: String, input: String) throws -> (output: String, status: Int32) {
        var toProxy: [Int32] = [0, 0]
        var fromProxy: [Int32] = [0, 0]
        try #require(pipe(&toProxy) == 0 && pipe(&fromProxy) == 0)
        let proxy = MCPStdioProxy(filter: MCPFixtures.filter(), audit: nil) { _ in }
        let status = Mutex<Int32?>(nil)
        let done = DispatchSemaphore(value: 0)
        let (readEnd, writeEnd) = (toProxy[0], fromProxy[1])
        Thread {
            let result = try? proxy.run(command: "sh", arguments: ["-c", script], input: readEnd, output: writeEnd)
            status.withLock { $0 = result }
            close(writeEnd)
            done.signal()
        }.start()
        let bytes = Array(input.utf8)
        _ = bytes.withUnsafeBytes { write(toProxy[1], $0.baseAddress, $0.count) }
        close(toProxy[1])
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fromProxy[0], $0.baseAddress, $0.count) }
            if count <= 0 { break }
            received += chunk[0..<count]
        }
        #expect(done.wait(timeout: .now() + 30) == .success)
        close(fromProxy[0])
        close(readEnd)
        return (String(decoding: received, as: UTF8.self), status.withLock { $0 } ?? -1)
    }

    @Test("a server's result is redacted on its way to the client, and the proxy exits with the server's status")
    func redactsThroughAProcess() throws {
        let (output, status) = try Self.run(
            script: #"read line; printf '%s\n' 'starting' '{"jsonrpc":"2.0","id":1,"result":{"content":[{"type":"text","text":"key AKIAFHSG4A7UNZQWWYEV"}]}}'; read rest; exit 0"#,
            input: #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"k","arguments":{}}}"# + "\n")
        #expect(status == 0)
        #expect(!output.contains("AKIAFHSG4A7UNZQWWYEV"))
        #expect(!output.contains("starting"))
        #expect(output.contains("⟦AWS_ACCESS_KEY_ID_1_"))
    }

    @Test("a server that dies mid-request: the request is answered and the status passed on")
    func serverDies() throws {
        let (output, status) = try Self.run(
            script: "read line; exit 3",
            input: #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"k","arguments":{}}}"# + "\n")
        #expect(status == 3)
        let answer = try JSONValue(parsing: Array(output.utf8.dropLast()))
        #expect(answer["id"] == .number("7"))
        #expect(answer["error"]?["code"] == .number("-32603"))
    }
}

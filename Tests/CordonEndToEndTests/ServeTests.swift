import CordonTestSupport
import Foundation
import Testing

/// `cordon serve` over real pipes: the protocol, ordering under load, bad input, shutdown.
@Suite("cordon serve", .serialized)
struct SidecarServeTests {
    typealias F = SidecarFixtures

    @Test("scan, redact and ping answer with the documented shapes")
    func responseShapes() throws {
        let folder = try TemporaryFolder()
        let output = try F.runServe(try F.detectorArguments(in: folder), lines: [
            F.line(["id": 1, "op": "ping"]),
            F.line(["id": "s", "op": "scan", "text": "host db1.corp.internal mail ann@example.test"]),
            F.line(["id": "r", "op": "redact", "text": "key tok_abcdef123456 end"]),
            F.line(["id": "a", "op": "redact", "text": "nothing here", "destination": "public-api"]),
        ])
        #expect(output.status == 0)
        let responses = output.stdoutLines.map(F.parse)
        #expect(responses.count == 4)
        let policy = try #require(responses[0]?["policy"] as? String)
        #expect(policy.count == 64)
        #expect(responses[0]?["ok"] as? Bool == true)

        let scan = try #require(responses[1])
        #expect(scan["id"] as? String == "s")
        #expect(scan["level"] as? String == "confidential")
        #expect(scan["action"] as? String == "redact")
        #expect(scan["text"] == nil)
        #expect(scan["policy"] as? String == policy)
        let findings = try #require(scan["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        #expect(findings[0]["detector"] as? String == "fx-host")
        #expect(findings[0]["category"] as? String == "internal")
        #expect(findings[0]["level"] as? String == "internal")
        #expect(findings[0]["start"] as? Int == 5)
        #expect(findings[0]["end"] as? Int == 22)
        #expect(findings[1]["detector"] as? String == "fx-mail")

        let redact = try #require(responses[2])
        #expect(redact["action"] as? String == "redact")
        #expect(redact["level"] as? String == "restricted")
        #expect(redact["text"] as? String == "key [REDACTED:fx-token] end")

        let clean = try #require(responses[3])
        #expect(clean["action"] as? String == "allow")
        #expect(clean["level"] as? String == "public")
        #expect(clean["text"] as? String == "nothing here")
    }

    @Test("thousands of concurrent requests are answered once each, in request order")
    func orderedUnderLoad() throws {
        let folder = try TemporaryFolder()
        let count = 3_000
        var lines: [String] = []
        for index in 0..<count {
            switch index % 4 {
            case 0: lines.append(F.line(["id": index, "op": "ping"]))
            case 1: lines.append(F.line(["id": index, "op": "scan", "text": "n\(index) " + String(repeating: "filler text ", count: index % 300)]))
            case 2: lines.append(F.line(["id": index, "op": "redact", "text": "n\(index) mail u\(index)@example.test"]))
            default: lines.append(F.line(["id": "k\(index)", "op": "redact", "text": "n\(index) tok_\(String(format: "%012d", index))", "session": "s\(index % 7)", "operator": "placeholder-reversible"]))
            }
        }
        let output = try F.runServe(try F.detectorArguments(in: folder), lines: lines)
        #expect(output.status == 0)
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == count)
        for (index, response) in responses.enumerated() {
            let response = try #require(response)
            #expect(response["ok"] as? Bool == true, "request \(index)")
            switch index % 4 {
            case 0, 1: #expect(response["id"] as? Int == index)
            case 2:
                #expect(response["id"] as? Int == index)
                #expect(response["text"] as? String == "n\(index) mail [REDACTED:fx-mail]")
            default:
                #expect(response["id"] as? String == "k\(index)")
                let text = try #require(response["text"] as? String)
                #expect(text.hasPrefix("n\(index) ⟦FX_TOKEN_"))
            }
        }
    }

    @Test("every kind of bad input gets an error response and the next line is served")
    func badInput() throws {
        let folder = try TemporaryFolder()
        let oversized = "{\"id\":\"big\",\"op\":\"scan\",\"text\":\"" + String(repeating: "a", count: 5_000) + "\"}\n"
        let lines = [
            "this is not json\n",
            "{\"id\":7,\"op\":\"scan\",\"text\":\"zebra-unclosed\n",
            "[1,2,3]\n",
            "\"a string\"\n",
            F.line(["id": 1, "op": "explode", "text": "x"]),
            F.line(["id": 2, "text": "x"]),
            F.line(["id": 3, "op": "scan"]),
            F.line(["id": 4, "op": "scan", "base64": "not*base64"]),
            oversized,
            F.line(["id": 5, "op": "scan", "text": "x", "extra": true]),
            F.line(["id": 6, "op": "scan", "text": "x", "destination": "nowhere"]),
            F.line(["id": 8, "op": "redact", "text": "x", "operator": "shred"]),
            F.line(["id": 9, "op": "redact", "text": "x", "operator": "hash"]),
            F.line(["id": 10, "op": "redact", "text": "x", "operator": "placeholder-reversible"]),
            F.line(["id": 11, "op": "restore", "text": "x"]),
            F.line(["id": 12, "op": "scan", "text": 42]),
            F.line(["id": 13, "op": "scan", "text": "x", "base64": "eA=="]),
            F.line(["id": ["nested"], "op": "ping"]),
            F.line(["id": 14, "op": "scan", "text": "x", "source": "telepathy"]),
            "\n",
            F.line(["id": "last", "op": "ping"]),
        ]
        let output = try F.runServe(try F.detectorArguments(in: folder) + ["--max-bytes", "4096"], lines: lines)
        #expect(output.status == 0)
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == lines.count - 1, "one response per non-blank line")
        let expected: [(id: Any?, code: String)] = [
            (nil, "malformed_json"), (7, "malformed_json"), (nil, "not_an_object"), (nil, "not_an_object"),
            (1, "unknown_op"), (2, "missing_field"), (3, "missing_field"), (4, "invalid_base64"),
            ("big", "request_too_large"), (5, "unknown_field"), (6, "unknown_destination"), (8, "unknown_operator"),
            (9, "operator_unavailable"), (10, "missing_field"), (11, "missing_field"), (12, "invalid_field"),
            (13, "invalid_request"), (nil, "invalid_request"), (14, "invalid_field"),
        ]
        for (index, (id, code)) in expected.enumerated() {
            let response = try #require(responses[index])
            #expect(response["ok"] as? Bool == false, "line \(index + 1)")
            #expect(F.errorCode(response) == code, "line \(index + 1)")
            let message = try #require((response["error"] as? [String: Any])?["message"] as? String)
            #expect(!message.isEmpty)
            #expect((response["policy"] as? String)?.count == 64, "line \(index + 1) names the policy version")
            switch id {
            case let id as Int: #expect(response["id"] as? Int == id, "line \(index + 1)")
            case let id as String: #expect(response["id"] as? String == id, "line \(index + 1)")
            default: #expect(response["id"] is NSNull, "line \(index + 1)")
            }
        }
        #expect(responses.last??["id"] as? String == "last")
        #expect(responses.last??["ok"] as? Bool == true)
        // Error messages never quote the input.
        for fragment in ["this is not json", "zebra-unclosed", "explode", "not*base64", "aaaaaaaa", "nowhere", "shred", "telepathy", "extra"] {
            #expect(!output.stdoutText.contains(fragment), "\(fragment) quoted")
            #expect(!output.stderrText.contains(fragment), "\(fragment) logged")
        }
    }

    @Test("an oversized line is discarded while streaming, not held in memory")
    func oversizedLineIsStreamed() throws {
        let folder = try TemporaryFolder()
        let process = try SidecarProcess(["serve", "--max-bytes", "1024", "--log-level", "warning"] + F.detectorArguments(in: folder))
        process.write(F.line(["id": 1, "op": "ping"]))
        // 64 MiB without a line end, in pieces: the sidecar must keep reading (and discarding).
        let piece = Data(repeating: UInt8(ascii: "z"), count: 1 << 20)
        process.write("{\"id\":\"huge\",\"op\":\"scan\",\"text\":\"")
        for _ in 0..<64 { process.write(piece) }
        process.write("\"}\n")
        process.write(F.line(["id": 2, "op": "ping"]))
        process.closeInput()
        let output = process.waitForExit()
        #expect(output.status == 0)
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 3)
        #expect(responses[0]?["id"] as? Int == 1)
        #expect(responses[1]?["id"] as? String == "huge")
        #expect(F.errorCode(responses[1]) == "request_too_large")
        #expect(responses[2]?["id"] as? Int == 2)
    }

    @Test("an error response names the request's own id, or null, never part of it")
    func errorIDsAreWhole() throws {
        let folder = try TemporaryFolder()
        // Short reads across the size limit: the prefix keeps filling from later reads.
        let small = try SidecarProcess(["serve", "--max-bytes", "8", "--log-level", "warning"] + F.detectorArguments(in: folder))
        small.write("{\"id\":123")
        Thread.sleep(forTimeInterval: 0.2)
        small.write("4567890,\"op\":\"ping\"}\n")
        Thread.sleep(forTimeInterval: 0.2)
        small.write("{\"id\":\"abc")
        Thread.sleep(forTimeInterval: 0.2)
        small.write("def\",\"op\":\"ping\"}\n")
        small.closeInput()
        let smallOutput = small.waitForExit()
        let smallResponses = smallOutput.stdoutLines.map(F.parse)
        try #require(smallResponses.count == 2)
        #expect(F.errorCode(smallResponses[0]) == "request_too_large")
        #expect(smallResponses[0]?["id"] as? Int == 1_234_567_890)
        #expect(smallResponses[1]?["id"] as? String == "abcdef")

        // A number id too long to read whole is reported as null, not cut short.
        let digits = String(repeating: "7", count: 70)
        let output = try F.runServe(
            try F.detectorArguments(in: folder),
            lines: ["{\"id\":\(digits),\"op\":\n", "{\"id\":12345,\"op\":\n", "{\"id\":-1.5e3 ,\"op\":\n"])
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 3)
        #expect(responses.allSatisfy { F.errorCode($0) == "malformed_json" })
        #expect(responses[0]?["id"] is NSNull)
        #expect(!output.stdoutText.contains("7777777777"))
        #expect(responses[1]?["id"] as? Int == 12345)
        #expect(responses[2]?["id"] as? Double == -1500)
    }

    @Test("invalid UTF-8 is scanned as bytes, from base64 and inside a text line")
    func invalidUTF8() throws {
        let folder = try TemporaryFolder()
        let bytes: [UInt8] = [0xFF, 0xFE, 0x20] + Array("tok_abcdef123456".utf8) + [0x20, 0xC3]
        var raw = Data("{\"id\":2,\"op\":\"redact\",\"text\":\"".utf8)
        raw.append(contentsOf: [0xFF, 0x20] + Array("tok_abcdef123456".utf8) + [0x80])
        raw.append(contentsOf: Array("\"}\n".utf8))
        let input = F.line(["id": 1, "op": "redact", "base64": Data(bytes).base64EncodedString()])
        var data = Data(input.utf8)
        data.append(raw)
        let output = try CordonProcess.run(["serve"] + F.detectorArguments(in: folder), input: data)
        #expect(output.status == 0)
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 2)
        #expect(responses[0]?["action"] as? String == "redact")
        #expect(F.detectors(responses[0]) == ["fx-token"])
        let encoded = try #require(responses[0]?["base64"] as? String)
        let redacted = try #require(Data(base64Encoded: encoded))
        #expect(Array(redacted) == [0xFF, 0xFE, 0x20] + Array("[REDACTED:fx-token]".utf8) + [0x20, 0xC3])
        #expect(F.detectors(responses[1]) == ["fx-token"])
        #expect((responses[1]?["text"] as? String)?.contains("[REDACTED:fx-token]") == true)
    }

    @Test("an incomplete scan blocks (fail closed) unless the policy fails open")
    func failClosed() throws {
        let folder = try TemporaryFolder()
        let lines = [F.line(["id": 1, "op": "redact", "text": F.slowText + " tok_abcdef123456"])]
        let closed = try F.runServe(try F.detectorArguments(in: folder), lines: lines)
        let blocked = try #require(closed.stdoutLines.first.flatMap(F.parse))
        #expect(blocked["action"] as? String == "block")
        #expect(blocked["text"] == nil)

        let policy = try folder.write("open.yaml", """
            default_destination: out
            failure_mode: open
            destinations:
              out: {max_level: internal, action: redact}
            """)
        let open = try F.runServe(try F.detectorArguments(in: folder) + ["--policy", policy.path], lines: lines)
        let redacted = try #require(open.stdoutLines.first.flatMap(F.parse))
        #expect(redacted["action"] as? String == "redact")
        #expect((redacted["text"] as? String)?.hasSuffix("[REDACTED:fx-token]") == true)
    }

    @Test("end of input: every request in flight is answered, then exit 0")
    func endOfInputFlushes() throws {
        let folder = try TemporaryFolder()
        let process = try SidecarProcess(["serve", "--log-level", "warning"] + F.detectorArguments(in: folder))
        let count = 24
        for index in 0..<count {
            process.write(F.line(["id": index, "op": "scan", "text": index % 2 == 0 ? F.slowText : "tok_abcdef123456"]))
        }
        process.closeInput()
        let output = process.waitForExit()
        #expect(output.status == 0)
        #expect(!process.wasKilledBySignal)
        let ids = output.stdoutLines.map { F.parse($0)?["id"] as? Int }
        #expect(ids == Array(0..<count))
    }

    @Test("SIGTERM and SIGINT: every request already read is answered, then exit 0", arguments: [SIGTERM, SIGINT])
    func signalFlushes(signal: Int32) throws {
        let folder = try TemporaryFolder()
        let process = try SidecarProcess(["serve", "--log-level", "warning", "--max-in-flight", "64"] + F.detectorArguments(in: folder))
        let count = 24
        var requests = ""
        for index in 0..<count { requests += F.line(["id": index, "op": "scan", "text": F.slowText]) }
        process.write(requests)
        // Blank lines are not requests; once this padding is written past the pipe's buffer, the
        // sidecar has read (and dispatched) every request above it.
        process.write(Data(repeating: UInt8(ascii: "\n"), count: 256 * 1024))
        let answeredBeforeSignal = process.receivedLines.count
        process.send(signal: signal)
        let output = process.waitForExit()
        #expect(output.status == 0)
        #expect(!process.wasKilledBySignal)
        #expect(answeredBeforeSignal < count, "the requests were still in flight when the signal came")
        let ids = output.stdoutLines.map { F.parse($0)?["id"] as? Int }
        #expect(ids == Array(0..<count))
    }
}

import Cordon
@testable import CordonGuard
import CordonTestSupport
import Foundation
import Testing

/// Reversible placeholders: numbering, per-session isolation, restore, limits.
@Suite("reversible placeholders")
struct SidecarRestoreTests {
    typealias F = SidecarFixtures

    /// Sends each request in turn to one `cordon serve` and returns the parsed responses; a
    /// request is built from the responses before it (the tokens are random).
    private func converse(_ arguments: [String], _ requests: [([[String: Any]?]) -> String]) throws -> [[String: Any]?] {
        let process = try SidecarProcess(["serve"] + arguments)
        var responses: [[String: Any]?] = []
        for (index, request) in requests.enumerated() {
            process.write(request(responses))
            let lines = process.waitForLines(index + 1)
            responses.append(lines.count > index ? F.parse(lines[index]) : nil)
        }
        process.closeInput()
        #expect(process.waitForExit().status == 0)
        return responses
    }

    /// The reversible tokens of `text`, in order.
    private func tokens(_ text: String?) -> [String] {
        guard let text else { return [] }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buffer in
            PlaceholderSyntax.reversibleRanges(in: buffer).map { String(decoding: buffer[$0], as: UTF8.self) }
        }
    }

    @Test("same value, same placeholder; restore puts originals back for that session only")
    func isolation() throws {
        let folder = try TemporaryFolder()
        let tag = "_[0-9A-HJKMNP-TV-Z]{6}⟧"
        func text(_ response: [String: Any]?) -> String? { response?["text"] as? String }
        let responses = try converse(try F.detectorArguments(in: folder), [
            { _ in F.line(["id": 1, "op": "redact", "session": "alice", "operator": "placeholder-reversible",
                           "text": "ann@example.test, bob@example.test, ann@example.test, tok_abcdef123456"]) },
            { _ in F.line(["id": 2, "op": "redact", "session": "mallory", "operator": "placeholder-reversible", "text": "eve@example.test"]) },
            { r in
                let alice = self.tokens(text(r[0])), mallory = self.tokens(text(r[1]))
                return F.line(["id": 3, "op": "restore", "session": "alice",
                               "text": "Dear \(alice[1]) and \(alice[0]): \(alice[3]) \(mallory[0]) ⟦FX_MAIL_1⟧"])
            },
            { r in
                let alice = self.tokens(text(r[0])), mallory = self.tokens(text(r[1]))
                return F.line(["id": 4, "op": "restore", "session": "mallory", "text": "\(mallory[0]) \(alice[1]) \(alice[3])"])
            },
            { r in F.line(["id": 5, "op": "restore", "session": "nobody", "text": self.tokens(text(r[0]))[0]]) },
            { _ in F.line(["id": 6, "op": "redact", "session": "alice", "operator": "placeholder-reversible", "text": "again bob@example.test"]) },
            { r in F.line(["id": 7, "op": "restore", "session": "alice", "base64": Data(self.tokens(text(r[0]))[0].utf8).base64EncodedString()]) },
        ])
        try #require(responses.count == 7)
        let alice = tokens(text(responses[0])), mallory = tokens(text(responses[1]))
        try #require(alice.count == 4 && mallory.count == 1)
        #expect(text(responses[0])?.range(
            of: "^⟦FX_MAIL_1\(tag), ⟦FX_MAIL_2\(tag), ⟦FX_MAIL_1\(tag), ⟦FX_TOKEN_1\(tag)$", options: .regularExpression) != nil)
        #expect(alice[0] == alice[2] && alice[0] != alice[1])
        #expect(mallory[0].hasPrefix("⟦FX_MAIL_1_") && mallory[0] != alice[0], "the same number, another token in another session")
        #expect(text(responses[2]) == "Dear bob@example.test and ann@example.test: tok_abcdef123456 \(mallory[0]) ⟦FX_MAIL_1⟧")
        #expect(responses[2]?["restored"] as? Int == 3)
        #expect(text(responses[3]) == "eve@example.test \(alice[1]) \(alice[3])")
        #expect(text(responses[4]) == alice[0])
        #expect(responses[4]?["restored"] as? Int == 0)
        #expect(text(responses[5]) == "again \(alice[1])")
        #expect(responses[6]?["base64"] as? String == Data("ann@example.test".utf8).base64EncodedString())
    }

    @Test("concurrent requests in one session agree on placeholders")
    func concurrentSession() throws {
        let folder = try TemporaryFolder()
        var lines: [String] = []
        for index in 0..<400 {
            lines.append(F.line(["id": index, "op": "redact", "session": "shared", "operator": "placeholder-reversible",
                                 "text": "u\(index % 20)@example.test"]))
        }
        let process = try SidecarProcess(["serve"] + F.detectorArguments(in: folder))
        process.write(lines.joined())
        let first = process.waitForLines(400)
        try #require(first.count == 400)
        // The tokens are random: restore the ones the session handed out.
        let handedOut = Set(first.compactMap { F.parse($0)?["text"] as? String })
        process.write(F.line(["id": "r", "op": "restore", "session": "shared", "text": handedOut.sorted().joined(separator: " ")]))
        _ = process.waitForLines(401)
        process.closeInput()
        let output = process.waitForExit()
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 401)
        var placeholderOf: [Int: String] = [:]
        for index in 0..<400 {
            let text = try #require(responses[index]?["text"] as? String)
            if let known = placeholderOf[index % 20] {
                #expect(text == known)
            } else {
                placeholderOf[index % 20] = text
            }
        }
        #expect(Set(placeholderOf.values).count == 20)
        let restored = try #require(responses[400]?["text"] as? String)
        #expect(Set(restored.split(separator: " ").map(String.init)) == Set((0..<20).map { "u\($0)@example.test" }))
    }

    @Test("a full session falls back to one-way placeholders; the store bounds sessions and idle time")
    func limits() throws {
        let folder = try TemporaryFolder()
        // One request at a time, so that the sessions are created in this order.
        let process = try SidecarProcess(
            ["serve", "--max-session-entries", "2", "--max-sessions", "1"] + F.detectorArguments(in: folder))
        let requests = [
            F.line(["id": 1, "op": "redact", "session": "a", "operator": "placeholder-reversible",
                    "text": "x1@example.test x2@example.test x3@example.test"]),
            F.line(["id": 2, "op": "restore", "session": "a", "text": "FIRST"]),
            F.line(["id": 3, "op": "redact", "session": "b", "operator": "placeholder-reversible", "text": "y@example.test"]),
            F.line(["id": 4, "op": "restore", "session": "a", "text": "FIRST"]),
        ]
        var first = ""
        for (index, request) in requests.enumerated() {
            process.write(request.replacingOccurrences(of: "FIRST", with: first))
            let lines = process.waitForLines(index + 1)
            if index == 0, let text = lines.first.flatMap(F.parse)?["text"] as? String { first = tokens(text).first ?? "" }
        }
        process.closeInput()
        let output = process.waitForExit()
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 4)
        let limited = try #require(responses[0]?["text"] as? String)
        #expect(tokens(limited).count == 2 && limited.hasSuffix(" [REDACTED:fx-mail]") && limited.hasPrefix("⟦FX_MAIL_1_"))
        #expect(responses[1]?["restored"] as? Int == 1)
        #expect(responses[3]?["restored"] as? Int == 0, "session a was dropped to make room for b")

        // Idle timeout, with a clock the test controls.
        final class Clock: @unchecked Sendable { var now = ContinuousClock.now }
        let clock = Clock()
        let store = PlaceholderStore(limits: PlaceholderLimits(idleTimeout: .seconds(60)), now: { clock.now })
        let value = Array("secret-value".utf8)
        let placeholder = value.withUnsafeBufferPointer { store.placeholders(for: [($0[...], "fx-token")], session: "s") }
        #expect(placeholder.first??.isEmpty == false)
        #expect(store.entryCount(session: "s") == 1)
        clock.now += .seconds(61)
        let reply = try #require(placeholder.first ?? nil)
        let restored = reply.withUnsafeBufferPointer { store.restore($0, session: "s") }
        #expect(restored.count == 0)
        #expect(store.sessionCount == 0)
    }

    @Test("A placeholder's type is the id upper-cased with '_' for '-', on the ASCII fast path too")
    func placeholderTypes() throws {
        func unicodePath(_ id: String) -> String { String(id.uppercased().map { $0 == "-" ? "_" : $0 }) }
        let ids = try DetectorSet.builtIn().detectors.map(\.id) + ["a-b_c.9~z", "", "-", "A-z", "\u{7F}x"]
        for id in ids {
            #expect(PlaceholderSyntax.reversibleType(for: id) == unicodePath(id), "\(id)")
        }
        #expect(PlaceholderSyntax.reversibleType(for: "aws-access-key-id") == "AWS_ACCESS_KEY_ID")
        #expect(PlaceholderSyntax.reversibleType(for: "straße-x") == "STRASSE_X")
    }
}

import Cordon
@testable import CordonGuard
import CordonTestSupport
import Foundation
import Testing

/// Reversible placeholders: numbering, per-session isolation, restore, limits.
@Suite("reversible placeholders")
struct SidecarRestoreTests {
    typealias F = SidecarFixtures

    @Test("same value, same placeholder; restore puts originals back for that session only")
    func isolation() throws {
        let folder = try TemporaryFolder()
        let output = try F.runServe(try F.detectorArguments(in: folder), lines: [
            F.line(["id": 1, "op": "redact", "session": "alice", "operator": "placeholder-reversible",
                    "text": "ann@example.test, bob@example.test, ann@example.test, tok_abcdef123456"]),
            F.line(["id": 2, "op": "redact", "session": "mallory", "operator": "placeholder-reversible",
                    "text": "eve@example.test"]),
            F.line(["id": 3, "op": "restore", "session": "alice", "text": "Dear ⟦FX_MAIL_2⟧ and ⟦FX_MAIL_1⟧: ⟦FX_TOKEN_1⟧ ⟦FX_MAIL_9⟧"]),
            F.line(["id": 4, "op": "restore", "session": "mallory", "text": "⟦FX_MAIL_1⟧ ⟦FX_MAIL_2⟧ ⟦FX_TOKEN_1⟧"]),
            F.line(["id": 5, "op": "restore", "session": "nobody", "text": "⟦FX_MAIL_1⟧"]),
            F.line(["id": 6, "op": "redact", "session": "alice", "operator": "placeholder-reversible", "text": "again bob@example.test"]),
            F.line(["id": 7, "op": "restore", "session": "alice", "base64": Data("⟦FX_MAIL_1⟧".utf8).base64EncodedString()]),
        ])
        #expect(output.status == 0)
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 7)
        #expect(responses[0]?["text"] as? String == "⟦FX_MAIL_1⟧, ⟦FX_MAIL_2⟧, ⟦FX_MAIL_1⟧, ⟦FX_TOKEN_1⟧")
        #expect(responses[1]?["text"] as? String == "⟦FX_MAIL_1⟧")
        #expect(responses[2]?["text"] as? String == "Dear bob@example.test and ann@example.test: tok_abcdef123456 ⟦FX_MAIL_9⟧")
        #expect(responses[2]?["restored"] as? Int == 3)
        #expect(responses[3]?["text"] as? String == "eve@example.test ⟦FX_MAIL_2⟧ ⟦FX_TOKEN_1⟧")
        #expect(responses[4]?["text"] as? String == "⟦FX_MAIL_1⟧")
        #expect(responses[4]?["restored"] as? Int == 0)
        #expect(responses[5]?["text"] as? String == "again ⟦FX_MAIL_2⟧")
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
        lines.append(F.line(["id": "r", "op": "restore", "session": "shared",
                             "text": (1...20).map { "⟦FX_MAIL_\($0)⟧" }.joined(separator: " ")]))
        let output = try F.runServe(try F.detectorArguments(in: folder), lines: lines)
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
            F.line(["id": 2, "op": "restore", "session": "a", "text": "⟦FX_MAIL_1⟧"]),
            F.line(["id": 3, "op": "redact", "session": "b", "operator": "placeholder-reversible", "text": "y@example.test"]),
            F.line(["id": 4, "op": "restore", "session": "a", "text": "⟦FX_MAIL_1⟧"]),
        ]
        for (index, request) in requests.enumerated() {
            process.write(request)
            _ = process.waitForLines(index + 1)
        }
        process.closeInput()
        let output = process.waitForExit()
        let responses = output.stdoutLines.map(F.parse)
        try #require(responses.count == 4)
        #expect(responses[0]?["text"] as? String == "⟦FX_MAIL_1⟧ ⟦FX_MAIL_2⟧ [REDACTED:fx-mail]")
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
        let reply = Array("⟦FX_TOKEN_1⟧".utf8)
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

import Cordon
import CordonJSON
import CordonTestSupport
import Foundation
import Testing

@testable import CordonGuard

/// The sidecar protocol in process: one request line in, one response line and one audit
/// record out, for every operation and every error code.
@Suite("Sidecar protocol")
struct SidecarProtocolTests {
    static let processor = SidecarRequestProcessor(
        enforcer: PolicyEnforcer(engine: SidecarFixtures.engine, policy: .builtIn()), defaultOperatorName: "placeholder",
        hashKey: Array("test-key".utf8))

    /// Processes one request line and returns the response as a Foundation dictionary (read
    /// independently of Cordon's parser) and the audit record.
    func process(_ line: String) throws -> (response: [String: Any], record: AuditRecord) {
        let result = Self.processor.process(Array(line.utf8))
        let response = try #require(
            try JSONSerialization.jsonObject(with: Data(result.response)) as? [String: Any], "the response is a JSON object")
        #expect(!result.response.contains(UInt8(ascii: "\n")), "a response is one line")
        return (response, result.record)
    }

    func errorCode(_ response: [String: Any]) -> String? {
        (response["error"] as? [String: Any])?["code"] as? String
    }

    /// One request that must fail, and the code it must fail with.
    struct BadRequest: CustomTestStringConvertible, Sendable {
        var name: String
        var line: String
        var code: SidecarErrorCode
        var testDescription: String { name }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(name: "not JSON", line: #"{"id":1,"op":"scan","text":"tok_abcdef123456""#, code: .malformedJSON),
        BadRequest(name: "a duplicate member", line: #"{"id":1,"op":"scan","op":"ping"}"#, code: .malformedJSON),
        BadRequest(name: "JSON but not an object", line: #"["scan","tok_abcdef123456"]"#, code: .notAnObject),
        BadRequest(name: "an id that is an object", line: #"{"id":{},"op":"ping"}"#, code: .invalidRequest),
        BadRequest(name: "op not a string", line: #"{"id":1,"op":7}"#, code: .invalidRequest),
        BadRequest(name: "both text and base64", line: #"{"id":1,"op":"scan","text":"a","base64":"YQ=="}"#, code: .invalidRequest),
        BadRequest(name: "an unknown member", line: #"{"id":1,"op":"ping","colour":"blue"}"#, code: .unknownField),
        BadRequest(name: "no op", line: #"{"id":1}"#, code: .missingField),
        BadRequest(name: "no content", line: #"{"id":1,"op":"scan"}"#, code: .missingField),
        BadRequest(name: "restore without a session", line: #"{"id":1,"op":"restore","text":"x"}"#, code: .missingField),
        BadRequest(
            name: "reversible placeholders without a session",
            line: #"{"id":1,"op":"redact","text":"x","operator":"placeholder-reversible"}"#, code: .missingField),
        BadRequest(name: "a source of the wrong type", line: #"{"id":1,"op":"scan","text":"x","source":1}"#, code: .invalidField),
        BadRequest(name: "an unknown source", line: #"{"id":1,"op":"scan","text":"x","source":"email"}"#, code: .invalidField),
        BadRequest(name: "text that is a number", line: #"{"id":1,"op":"scan","text":5}"#, code: .invalidField),
        BadRequest(name: "an unknown op", line: #"{"id":1,"op":"encrypt","text":"x"}"#, code: .unknownOperation),
        BadRequest(name: "base64 that is not base64", line: #"{"id":1,"op":"scan","base64":"%%%"}"#, code: .invalidBase64),
        BadRequest(
            name: "an unknown destination", line: #"{"id":1,"op":"scan","text":"x","destination":"mars"}"#,
            code: .unknownDestination),
        BadRequest(
            name: "an unknown operator", line: #"{"id":1,"op":"redact","text":"x","operator":"rot13"}"#, code: .unknownOperator),
    ]

    @Test("every kind of bad request gets its error code, a message without input, and an audit record", arguments: badRequests)
    func badRequest(_ request: BadRequest) throws {
        let (response, record) = try process(request.line)
        #expect(response["ok"] as? Bool == false)
        #expect(errorCode(response) == request.code.rawValue)
        let message = try #require((response["error"] as? [String: Any])?["message"] as? String)
        #expect(!message.isEmpty)
        #expect(!message.contains("tok_abcdef123456"))
        #expect(response["policy"] as? String == Policy.builtIn().version)
        #expect(record.error == request.code.rawValue)
        #expect(record.detectorCounts.isEmpty)
    }

    @Test("the hash operator needs a key the processor was given")
    func hashWithoutKey() throws {
        let keyless = SidecarRequestProcessor(enforcer: Self.processor.enforcer)
        let result = keyless.process(Array(#"{"id":1,"op":"redact","text":"x","operator":"hash"}"#.utf8))
        let response = try #require(try JSONSerialization.jsonObject(with: Data(result.response)) as? [String: Any])
        #expect(errorCode(response) == SidecarErrorCode.operatorUnavailable.rawValue)
    }

    @Test("an oversized line is answered with request_too_large and its leading id")
    func oversized() throws {
        let result = Self.processor.oversized(prefix: Array(#"{"id":"big-1","op":"scan","text":"aaaa"#.utf8), limit: 16)
        let response = try #require(try JSONSerialization.jsonObject(with: Data(result.response)) as? [String: Any])
        #expect(errorCode(response) == SidecarErrorCode.requestTooLarge.rawValue)
        #expect(response["id"] as? String == "big-1")
    }

    @Test("scan answers level, action and findings, never the text")
    func scan() throws {
        let (response, record) = try process(#"{"id":"a","op":"scan","text":"mail ann@example.test","source":"prompt"}"#)
        #expect(response["ok"] as? Bool == true)
        #expect(response["id"] as? String == "a")
        #expect(response["level"] as? String == "confidential")
        #expect(response["action"] as? String == "redact")
        #expect(response["text"] == nil)
        let findings = try #require(response["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        #expect(findings.first?["detector"] as? String == "fx-mail")
        #expect(findings.first?["start"] as? Int == 5)
        #expect(findings.first?["end"] as? Int == 21)
        #expect(record.operation == "scan")
        #expect(record.source == .prompt)
        #expect(record.detectorCounts == ["fx-mail": 1])
        #expect(record.outputSHA256 == nil, "a scan forwards nothing when the action is not allow")
    }

    @Test("audit records carry the content's SHA-256 only when the processor hashes content (an audit log is written)")
    func contentHashes() throws {
        let text = "mail ann@example.test"
        let line = Array(#"{"id":4,"op":"redact","text":"\#(text)"}"#.utf8)
        let hashed = Self.processor.process(line).record
        #expect(hashed.inputSHA256 == AuditRecord.sha256(Array(text.utf8)))
        #expect(hashed.outputSHA256 == AuditRecord.sha256(Array("mail [REDACTED:fx-mail]".utf8)))
        let unhashed = SidecarRequestProcessor(enforcer: Self.processor.enforcer, hashesContent: false)
        for request in [line, Array(#"{"id":5,"op":"scan","text":"plain words"}"#.utf8), Array("not json".utf8)] {
            let record = unhashed.process(request).record
            #expect(record.inputSHA256 == nil)
            #expect(record.outputSHA256 == nil)
        }
        #expect(unhashed.process(line).response == Self.processor.process(line).response, "the response does not depend on it")
    }

    @Test("redact answers the text to forward; base64 in, base64 out")
    func redact() throws {
        let (text, _) = try process(#"{"id":2,"op":"redact","text":"mail ann@example.test"}"#)
        #expect(text["text"] as? String == "mail [REDACTED:fx-mail]")
        let encoded = Data("mail ann@example.test".utf8).base64EncodedString()
        let (binary, _) = try process(#"{"id":3,"op":"redact","base64":"\#(encoded)"}"#)
        let decoded = try #require((binary["base64"] as? String).flatMap { Data(base64Encoded: $0) })
        #expect(String(decoding: decoded, as: UTF8.self) == "mail [REDACTED:fx-mail]")
        #expect(binary["text"] == nil)
    }

    @Test("reversible placeholders round-trip through restore within their session only")
    func restore() throws {
        let (redacted, _) = try process(
            #"{"id":1,"op":"redact","text":"ann@example.test","operator":"placeholder-reversible","session":"s-protocol"}"#)
        let placeholder = try #require(redacted["text"] as? String)
        #expect(placeholder.range(of: "^\u{27E6}FX_MAIL_1_[0-9A-HJKMNP-TV-Z]{6}\u{27E7}$", options: .regularExpression) != nil)
        let (restored, record) = try process(#"{"id":2,"op":"restore","text":"to \#(placeholder)","session":"s-protocol"}"#)
        #expect(restored["text"] as? String == "to ann@example.test")
        #expect(restored["restored"] as? Int == 1)
        #expect(restored["withheld"] as? Int == 0)
        #expect(record.operation == "restore")
        // Inside a URL the policy keeps the value out (restore: urls, default public).
        let (link, _) = try process(#"{"id":4,"op":"restore","text":"https://x.test/?q=\#(placeholder)","session":"s-protocol"}"#)
        #expect(link["text"] as? String == "https://x.test/?q=\(placeholder)")
        #expect(link["restored"] as? Int == 0 && link["withheld"] as? Int == 1)
        let (other, _) = try process(#"{"id":3,"op":"restore","text":"to \#(placeholder)","session":"s-other"}"#)
        #expect(other["text"] as? String == "to \(placeholder)")
        #expect(other["restored"] as? Int == 0)
    }

    @Test("ping answers ok and the policy version; every operation has a name")
    func ping() throws {
        let (response, record) = try process(#"{"id":null,"op":"ping"}"#)
        #expect(response["ok"] as? Bool == true)
        #expect(response["policy"] as? String == Policy.builtIn().version)
        #expect(record.operation == "ping")
        #expect(SidecarOperation.allCases.map(\.rawValue) == ["scan", "redact", "restore", "ping"])
    }

    @Test("the leading id of a broken line is read only when it is whole")
    func leadingID() {
        #expect(SidecarRequestProcessor.leadingID(Array(#"{"id": 42, "op": "#.utf8)) == .int(42))
        #expect(SidecarRequestProcessor.leadingID(Array(#"{"id":"x-1","op"#.utf8)) == .string("x-1"))
        #expect(SidecarRequestProcessor.leadingID(Array(#"{"id":123"#.utf8)) == .null, "a number cut at the end")
        #expect(SidecarRequestProcessor.leadingID(Array(#"{"op":"scan","id":1}"#.utf8)) == .null, "not the first member")
    }
}

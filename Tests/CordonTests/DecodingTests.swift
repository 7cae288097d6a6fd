import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Values hidden in common encodings and evasions are found, reported at the encoded span with
/// the layer named, and redacted there.
@Suite("Decoded layers and evasions")
struct DecodingTests {
    static let engine = Fixtures.builtInEngine
    static let token: String = {
        var fake = FakeSecrets(seed: 31)
        return fake.githubToken()
    }()
    static let keyID: String = {
        var fake = FakeSecrets(seed: 32)
        return fake.awsAccessKeyID()
    }()

    /// The byte range of `needle` in `text`.
    func range(of needle: String, in text: String) throws -> Range<Int> {
        let start = try #require(text.utf8.firstRange(of: needle.utf8)).lowerBound
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: start)
        return offset..<(offset + needle.utf8.count)
    }

    func finding(_ detector: String, in text: String) -> Finding? {
        Self.engine.scan(text).findings.first { $0.detectorID == detector }
    }

    @Test("base64 and base64url runs")
    func base64() throws {
        let encoded = Data("deploy token: \(Self.token)".utf8).base64EncodedString()
        let text = "config blob \(encoded) end"
        let found = try #require(finding("github-pat", in: text))
        #expect(found.layer == "base64")
        let run = try range(of: encoded.trimmingCharacters(in: CharacterSet(charactersIn: "=")), in: text)
        #expect(run.contains(found.range.lowerBound) && found.range.upperBound <= run.upperBound + 2)

        let urlSafe = Data("aws_access_key_id=\(Self.keyID)??>>".utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        #expect(finding("aws-access-key-id", in: "x=\(urlSafe)")?.layer == "base64")
    }

    @Test("Percent-encoding, JSON unicode escapes, HTML entities and hex runs")
    func otherEncodings() throws {
        let percent = Self.token.utf8.map { String(format: "%%%02X", $0) }.joined()
        let percentText = "GET /callback?t=\(percent) HTTP/1.1"
        let p = try #require(finding("github-pat", in: percentText))
        #expect(p.layer == "percent")
        #expect(p.range == (try range(of: percent, in: percentText)))

        let json = Self.token.utf8.map { String(format: "\\u%04x", $0) }.joined()
        let jsonText = #"{"note": "\#(json)"}"#
        let j = try #require(finding("github-pat", in: jsonText))
        #expect(j.layer == "json")
        #expect(j.range == (try range(of: json, in: jsonText)))

        let html = Self.token.utf8.map { "&#\($0);" }.joined()
        let h = try #require(finding("github-pat", in: "<p>\(html)</p>"))
        #expect(h.layer == "html")

        let hex = Array("token=\(Self.token)".utf8).map { String(format: "%02x", $0) }.joined()
        let x = try #require(finding("github-pat", in: "payload \(hex) done"))
        #expect(x.layer == "hex")
    }

    @Test("Two layers deep: base64 inside percent-encoding")
    func nested() throws {
        let inner = Data("secret token \(Self.token) here".utf8).base64EncodedString()
        let outer = inner.utf8.map { String(format: "%%%02X", $0) }.joined()
        let text = "q=\(outer)"
        let found = try #require(finding("github-pat", in: text))
        #expect(found.layer == "percent+base64")
        #expect(try range(of: outer, in: text).contains(found.range.lowerBound))
    }

    @Test("Zero-width characters inside a token")
    func zeroWidth() throws {
        for mark in ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}"] {
            let split = String(Self.token.prefix(10)) + mark + String(Self.token.dropFirst(10))
            let text = "token: \(split) ok"
            let found = try #require(finding("github-pat", in: text), "mark \(mark.unicodeScalars.first!.value)")
            #expect(found.layer == "joined")
            #expect(found.range == (try range(of: split, in: text)))
        }
    }

    @Test("A key split across string literals joined by + or implicit concatenation")
    func concatenation() throws {
        let head = String(Self.keyID.prefix(8))
        let tail = String(Self.keyID.dropFirst(8))
        for source in [
            #"key = "\#(head)" + "\#(tail)";"#, #"key = '\#(head)' + '\#(tail)'"#, "key = (\"\(head)\"\n       \"\(tail)\")",
            #"$key = "\#(head)" . "\#(tail)";"#,
        ] {
            let found = try #require(finding("aws-access-key-id", in: source), "\(source)")
            #expect(found.layer == "joined")
            let start = try range(of: head, in: source).lowerBound
            let end = try range(of: tail, in: source).upperBound
            #expect(found.range == start..<end)
        }
    }

    @Test("Secrets wrapped in quotes, backticks or angle brackets are found as written")
    func wrapped() {
        for wrapped in ["'\(Self.token)'", "`\(Self.token)`", "<\(Self.token)>", "\"\(Self.token)\"", "(\(Self.token))"] {
            let found = finding("github-pat", in: "value \(wrapped) end")
            #expect(found?.layer == nil && found?.range.count == 40, "\(wrapped)")
        }
    }

    @Test("UTF-16 text with a byte-order mark is scanned as text")
    func utf16() throws {
        let text = "aws_access_key_id = \(Self.keyID)\n"
        for (bom, encoding) in [([UInt8]([0xFF, 0xFE]), String.Encoding.utf16LittleEndian), ([0xFE, 0xFF], .utf16BigEndian)] {
            let bytes = bom + Array(try #require(text.data(using: encoding)))
            let found = try #require(Self.engine.scan(bytes).findings.first { $0.detectorID == "aws-access-key-id" })
            #expect(found.layer == "utf16")
            #expect(found.range == (2 + 20 * 2)..<(2 + 40 * 2))
        }
    }

    @Test("Redaction replaces the encoded span")
    func redaction() throws {
        let encoded = Data("token: \(Self.token)".utf8).base64EncodedString()
        let redacted = Self.engine.redact("blob \(encoded) end").text
        #expect(redacted.hasPrefix("blob "))
        #expect(redacted.hasSuffix(" end"))
        #expect(redacted.contains("[REDACTED:github-pat]"))
        let inner = redacted.dropFirst(5).dropLast(4).replacingOccurrences(of: "[REDACTED:github-pat]", with: "")
        #expect(!(Data(base64Encoded: String(inner) + "==")?.contains(Data(Self.token.utf8)) ?? false))
        #expect(!redacted.contains(encoded))
    }

    @Test("Random base64, hashes and hex dumps are not decoded into findings")
    func noiseIsIgnored() {
        var random = SeededGenerator(seed: 5)
        let blob = Data((0..<600).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString()
        let hash = (0..<32).map { _ in String(format: "%02x", UInt8(truncatingIfNeeded: random.next())) }.joined()
        let text = "image: data:image/png;base64,\(blob)\nsha256: \(hash)\nintegrity: sha512-\(blob.prefix(88))"
        let findings = Self.engine.scan(text).findings
        #expect(findings.isEmpty, "\(findings.map(\.detectorID))")
    }

    @Test("Percent-decoding keeps escapes that are not text, such as %AD in %ADMIN_PASSWORD%")
    func percentKeepsNonText() throws {
        func decode(_ text: String) -> String? {
            var copy = text
            return copy.withUTF8 { Decoder.percent.decode($0) }.map { String(decoding: $0.bytes, as: UTF8.self) }
        }
        #expect(decode("psexec -p %ADMIN_PASSWORD% cmd") == nil)
        // Escapes are decoded in stretches long enough to hold a value (Decoder.isWorthDecoding).
        #expect(decode("name=caf%C3%A9%20au%20lait %41%42%43%44%45%46") == "name=café au lait ABCDEF")
        #expect(decode("caf%C3%A9 %41%42") == nil, "stretches shorter than 12 bytes are left as written")
        #expect(decode("half %C3 done") == nil, "a lone lead byte is not decoded")
    }

    @Test("Layer map: offsets through copies, strides and removals")
    func layerMap() {
        var map = LayerMap()
        map.copy(5)  // 0..<5 ↔ 0..<5
        map.decode(units: 2, derivedUnit: 3, originalUnit: 4)  // 5..<11 ↔ 5..<13
        map.decode(units: 1, derivedUnit: 0, originalUnit: 3)  // removed 13..<16
        map.copy(4)  // 11..<15 ↔ 16..<20
        #expect(map.original(of: 0..<3) == (0..<3, false))
        #expect(map.original(of: 6..<7) == (5..<9, true))
        #expect(map.original(of: 9..<12) == (9..<17, true))
        #expect(map.original(of: 12..<14) == (17..<19, false))
        #expect(map.decodedIslands(margin: 1) == [4..<12])
    }
}

import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Issue #13: decoders look only at their trigger bytes (`memchr` between two `%`, `\`, `&` or
/// `=`, eight bytes at a time between invisible characters and quotes, a message without the
/// trigger left at once). The reference is the same decoder looking at every byte in turn
/// (``Decoder/Pass/everyByte``): skipping must never pass over anything it would have decoded.
@Suite("Decoder pre-scan: skipping to trigger bytes decodes what looking at every byte decodes")
struct DecodingPrescanTests {
    /// Pieces of ordinary text and code, full of the decoders' trigger bytes used for other things.
    static let fillers: [String] = [
        "The quick brown fox jumps over the lazy dog. ", "printf(\"%s: %d\\n\", name, count);\n", "if a && b { x = y }\n",
        "width=40 height=80 port=8080\n", "msg = \"abc\" \"def\"\n", "url = 'https://example.net/a?b=1&c=2'\n",
        "Grüße aus Köln, naïve café. ", "Привет, мир! ", "\u{1B}[1;32mok\u{1B}[0m ", "0xDEADBEEF, 0x1F, ", "regex = r'\\d+\\.\\w*'\n",
        "path = \"C:\\\\Users\\\\dev\\\\file.txt\"\n", "&amp; &lt;b&gt; &#39;quoted&#39; ", "a%20b%2Fc ", "=3D=20 ", "soft\u{00AD}hyphen ",
        "ｆｕｌｌｗｉｄｔｈ ", "\\u0041\\u0042 ", "\\x41\\x42 ", "\\101\\102 ", "name,phone,dob\nAnn,555 0100,1990-01-01\n",
        "aGVsbG8gd29ybGQgdGhpcyBpcyBiYXNlNjQ= ", "48656c6c6f20776f726c642c2074686973206973206865780a ", "\n", "\t", "  ",
        "  \"key\": \"value\",\n", "é", "\u{200B}", "'", "\"", "\\", "%", "&", "=", "\u{1B}",
    ]

    static let (token, keyID, password): (String, String, String) = (
        DecodedContextTests.token, DecodedContextTests.keyID, DecodedContextTests.password
    )

    /// Values disguised the ways the decoders undo (the generators of ``DecodedContextTests``).
    static let planted: [String] = {
        typealias C = DecodedContextTests
        return [
            "GET /search?q=key%20" + keyID + "&page=2", "redirect=%22" + token + "%22",
            #"{"url":"https://db.example.net/login?user=svc\u0026password="# + password + #""}"#,
            "s = \"" + C.hexEscapes(token) + "\"", "printf '" + C.octalEscapes(token) + "'",
            "let s = \"" + C.braceEscapes(token) + "\"", "s = u'" + C.longEscapes(token) + "'",
            "a::after { content: \"" + C.cssEscapes(token) + "\" }", "<p>" + C.decimalReferences(token) + "</p>",
            "GET /?t=" + C.percentU(token) + " HTTP/1.1", "github_token" + C.quotedPrintable("=") + token + "\n",
            "token: " + C.sprinkled(token, with: "\u{200B}") + " ", "aws_access_key_id=\u{1B}[31m" + keyID + "\u{1B}[0m",
            "key = " + Data(("token=" + token).utf8).base64EncodedString() + "\n",
            "dump " + ("password=" + password).utf8.map { String(format: "%02x", $0) }.joined() + "\n",
            "password = \"" + String(password.prefix(5)) + "\" + \"" + String(password.dropFirst(5)) + "\"\n",
            "ssn,name\n512-47-3081,Ann\n",
        ]
    }()

    /// A message of random fillers with planted values at random places.
    static func message(_ random: inout SeededGenerator, length: Int) -> String {
        var text = ""
        while text.utf8.count < length {
            if Int.random(in: 0..<12, using: &random) == 0 {
                text += planted.randomElement(using: &random)!
            } else {
                text += fillers.randomElement(using: &random)!
            }
        }
        return text
    }

    @Test("Every decoder: the same layer, byte for byte and piece for piece, on random text")
    func decodersAgree() {
        var random = SeededGenerator(seed: 1313)
        var decodedLayers = 0
        for round in 0..<400 {
            let text = Self.message(&random, length: Int.random(in: 1..<2_000, using: &random))
            var bytes = Array(text.utf8)
            // Cut at a random byte: a trigger at the very end is a case of its own.
            bytes.removeLast(Int.random(in: 0..<min(4, bytes.count), using: &random))
            if round % 50 == 0 { bytes = [0xFF, 0xFE] + Array("p\0w\0=\0".utf8) + bytes }
            bytes.withUnsafeBufferPointer { input in
                for decoder in Decoder.allCases {
                    let skipping = decoder.decode(input, pass: .prescanned)
                    let reference = decoder.decode(input, pass: .everyByte)
                    #expect(skipping?.bytes == reference?.bytes, "\(decoder) round \(round)")
                    #expect(skipping?.map.pieces == reference?.map.pieces, "\(decoder) round \(round)")
                    if reference != nil { decodedLayers += 1 }
                }
            }
        }
        // The comparison is not vacuous: most messages decode in several layers.
        #expect(decodedLayers > 1_000)
    }

    @Test("Whole scans: findings with the pre-scan equal findings with every decoder over every byte")
    func scansAgree() throws {
        let limits = ScanLimits(timeBudget: .seconds(3600))
        let skipping = try Engine(DetectorSet.builtIn(), limits: limits, decoderPass: .prescanned)
        let reference = try Engine(DetectorSet.builtIn(), limits: limits, decoderPass: .everyByte)
        var random = SeededGenerator(seed: 2613)
        var inLayers = 0
        for round in 0..<40 {
            let text = Self.message(&random, length: Int.random(in: 200..<3_000, using: &random))
            let expected = reference.scan(text)
            let found = skipping.scan(text)
            #expect(found.findings == expected.findings, "round \(round)")
            #expect(found.failures.isEmpty && expected.failures.isEmpty, "round \(round)")
            inLayers += expected.findings.filter { $0.layer != nil }.count
        }
        // Planted values are found in decoded layers: the scans compared did decode.
        #expect(inLayers >= 40)
    }
}

import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Issue #15 class 1: values whose *context* is encoded, values in the less common encodings,
/// and values disguised with invisible or look-alike characters are found, reported at the
/// span of the original bytes, and redacted there whole.
///
/// Every case is built from generated fake values (never a peer's example): the value, how it
/// is disguised, and the text around it.
@Suite("Decoded context, escapes and normalisation (issue 15 class 1)")
struct DecodedContextTests {
    static let engine = Fixtures.builtInEngine

    /// One generated case: a message, the byte range of the (possibly disguised) value in it,
    /// and the plain value.
    struct Case: CustomStringConvertible {
        var name: String
        var text: String
        var span: Range<Int>
        var value: String
        /// Whether the span's bytes must all disappear (false for a wrapped base64 block, whose
        /// characters around the value encode other text).
        var spanVanishes = true
        var description: String { name }
    }

    /// Builds a case from the text before the value, the value as written, and the text after.
    static func make(_ name: String, _ before: String, _ written: String, _ after: String, value: String) -> Case {
        let start = before.utf8.count
        return Case(name: name, text: before + written + after, span: start..<(start + written.utf8.count), value: value)
    }

    static func percent(_ text: String) -> String { text.utf8.map { String(format: "%%%02X", $0) }.joined() }

    static let (token, keyID, password): (String, String, String) = {
        var fake = FakeSecrets(seed: 1515)
        return (fake.githubToken(), fake.awsAccessKeyID(), "Qv7" + fake.random(FakeSecrets.base62, count: 9) + "#t")
    }()

    // MARK: - Context encoded, value plain

    static let contextCases: [Case] = [
        make("percent-encoded blank before a key id", "GET /search?q=key%20", keyID, "&page=2 HTTP/1.1", value: keyID),
        make("percent-encoded quote before a token", "redirect=%22", token, "%22", value: token),
        make("percent-encoded = after a key name", "https://api.example.net/v1?api_key%3D", token, "%26x%3D1", value: token),
        make("percent-encoded line break before a token", "line%0Atoken:", token, "", value: token),
        make("percent-encoded slash before a token", "path%2F", token, "%2Fdone", value: token),
        make("JSON \\u0026 before password=", #"{"url":"https://db.example.net/login?user=svc\u0026password="#, password, #""}"#, value: password),
        make("JSON \\u003d after password", #"{"q":"password\u003d"#, password, #""}"#, value: password),
        make("JSON \\u0020 before a key id", #"{"msg":"key\u0020"#, keyID, #""}"#, value: keyID),
        make("HTML &#61; after password", "<input value=\"password&#61;", password, "\">", value: password),
        make("PHP-escaped slashes in a connection URL", #"{"dsn":"mysql:\/\/root:"#, password, #"@db.internal:3306\/app"}"#, value: password),
        make("\\x22 before a token (nginx log)", #"10.0.0.1 - - "GET /?t=\x22"#, token, #"\x22 HTTP/1.1" 200"#, value: token),
        make("ANSI colour before a token", "\u{1B}[1;32mtoken: \u{1B}[0m\u{1B}[33m", token, "\u{1B}[0m", value: token),
        make("quoted-printable =3D after a key name", "Content-Transfer-Encoding: quoted-printable\n\ngithub_token" + quotedPrintable("="), token, "\n", value: token),
        make("ANSI colour right before a key id", "aws_access_key_id=\u{1B}[31m", keyID, "\u{1B}[0m", value: keyID),
    ]

    // MARK: - Value encoded

    static func hexEscapes(_ text: String) -> String { text.utf8.map { String(format: "\\x%02x", $0) }.joined() }
    static func octalEscapes(_ text: String) -> String { text.utf8.map { String(format: "\\%03o", $0) }.joined() }
    static func braceEscapes(_ text: String) -> String { text.utf8.map { String(format: "\\u{%x}", $0) }.joined() }
    static func longEscapes(_ text: String) -> String { text.utf8.map { String(format: "\\U%08X", $0) }.joined() }
    static func percentU(_ text: String) -> String { text.utf8.map { String(format: "%%u%04X", $0) }.joined() }
    static func cssEscapes(_ text: String) -> String { text.utf8.map { String(format: "\\%x ", $0) }.joined() }
    static func decimalReferences(_ text: String) -> String { text.utf8.map { "&#\($0)" }.joined() }
    static func separatedHex(_ text: String, _ separator: String) -> String {
        text.utf8.map { String(format: "%02x", $0) }.joined(separator: separator)
    }
    static func quotedPrintable(_ text: String) -> String {
        text.utf8.map { $0 == UInt8(ascii: "=") ? "=3D" : String(UnicodeScalar($0)) }.joined()
    }

    static let encodedCases: [Case] = [
        make("\\x escapes", "s = \"", hexEscapes(token), "\"", value: token),
        make("octal escapes", "printf '", octalEscapes(token), "'", value: token),
        make("\\u{…} escapes", "let s = \"", braceEscapes(token), "\"", value: token),
        make("\\U escapes", "s = u'", longEscapes(token), "'", value: token),
        make("%u escapes", "GET /?t=", percentU(token), " HTTP/1.1", value: token),
        make("CSS escapes", "a::after { content: \"", cssEscapes(token), "\" }", value: token),
        make("&#NN without ;", "<p>", decimalReferences(token), "</p>", value: token),
        make("hex pairs with colons", "dump: " + separatedHex("token=", ":") + ":", separatedHex(token, ":"), "\n", value: token),
        make("hex pairs with blanks", "bytes " + separatedHex("token=", " ") + " ", separatedHex(token, " "), " end", value: token),
        make("quoted-printable soft line break inside a token", "Content-Transfer-Encoding: quoted-printable\n\n"
            + String(repeating: "x", count: 50) + " token" + quotedPrintable("=") + "\n" + String(repeating: "y", count: 50) + " ",
            String(token.prefix(14)) + "=\n" + String(token.dropFirst(14)), "\n", value: token),
    ]

    /// A token in a base64 block wrapped at `width` columns, placed so that it straddles a line break.
    static func wrappedBase64(width: Int) -> Case {
        let filler = String(repeating: "lorem ipsum dolor sit amet ", count: 3)
        let plain = filler.prefix(width / 4 * 3 - 20) + " token=" + token + " " + filler
        let encoded = Data(plain.utf8).base64EncodedString()
        var lines: [String] = []
        var rest = Substring(encoded)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        let block = lines.joined(separator: "\n")
        var wrapped = make("base64 wrapped at \(width) columns", "$ base64 .env\n", block, "\n$ ", value: token)
        wrapped.spanVanishes = false
        return wrapped
    }

    // MARK: - Invisible and look-alike characters

    /// The token with `mark` inserted after every 7th character.
    static func sprinkled(_ value: String, with mark: String) -> String {
        var result = ""
        for (index, character) in value.enumerated() {
            result.append(character)
            if index % 7 == 6, index < value.count - 1 { result += mark }
        }
        return result
    }

    static let invisibleMarks: [(String, String)] = [
        ("soft hyphen", "\u{00AD}"), ("LRM", "\u{200E}"), ("RLM", "\u{200F}"), ("variation selector", "\u{FE0F}"),
        ("variation selector supplement", "\u{E0100}"), ("tag characters", "\u{E0041}\u{E0042}"), ("CGJ", "\u{034F}"),
        ("Hangul filler", "\u{3164}"), ("half-width Hangul filler", "\u{FFA0}"), ("LRO/PDF", "\u{202D}\u{202C}"),
        ("word joiner", "\u{2060}"), ("Mongolian selector", "\u{180B}"),
    ]

    static let lookAlikes: [String: String] = [
        "a": "\u{0430}", "e": "\u{0435}", "o": "\u{043E}", "p": "\u{0440}", "c": "\u{0441}", "x": "\u{0445}",
        "A": "\u{0410}", "B": "\u{0412}", "E": "\u{0415}", "K": "\u{041A}", "M": "\u{041C}", "H": "\u{041D}",
        "O": "\u{041E}", "P": "\u{0420}", "C": "\u{0421}", "T": "\u{0422}", "X": "\u{0425}",
    ]

    static func homoglyphs(_ value: String) -> String {
        var replaced = 0
        return String(value.map { character -> String in
            if replaced < 3, let look = lookAlikes[String(character)] {
                replaced += 1
                return look
            }
            return String(character)
        }.joined())
    }

    static func fullwidth(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.map { Unicode.Scalar($0.value - 0x21 + 0xFF01)! }))
    }

    static let disguisedCases: [Case] = {
        var cases: [Case] = []
        for (name, mark) in invisibleMarks {
            cases.append(make("\(name) inside a token", "token: ", sprinkled(token, with: mark), " ok", value: token))
            cases.append(make("\(name) inside a key id", "aws_access_key_id = ", sprinkled(keyID, with: mark), "\n", value: keyID))
        }
        cases.append(make("combining marks inside a token", "token: ", sprinkled(token, with: "\u{0301}"), " ok", value: token))
        cases.append(make("combining marks inside a key id", "id ", sprinkled(keyID, with: "\u{0308}\u{0323}"), " ok", value: keyID))
        cases.append(make("fullwidth token", "token: ", fullwidth(token), " ok", value: token))
        cases.append(make("fullwidth key id", "aws_access_key_id: ", fullwidth(keyID), "\n", value: keyID))
        cases.append(make("Cyrillic homoglyphs in a key id", "aws_access_key_id = ", homoglyphs(keyID), "\n", value: keyID))
        cases.append(make("Cyrillic homoglyphs in a token", "token: ", homoglyphs(token), " ok", value: token))
        return cases
    }()

    static let allCases = contextCases + encodedCases + [wrappedBase64(width: 76), wrappedBase64(width: 64)] + disguisedCases

    // MARK: - Tests

    @Test("The cases are what they claim: the value is not in the message as written, or only with its context encoded")
    func casesAreDisguised() throws {
        for testCase in Self.encodedCases + Self.disguisedCases {
            #expect(!testCase.text.contains(testCase.value), "\(testCase)")
        }
        for testCase in Self.contextCases {
            let bytes = Array(testCase.text.utf8)
            #expect(Array(bytes[testCase.span]) == Array(testCase.value.utf8), "\(testCase)")
        }
    }

    @Test("Each value is found, and the finding covers its whole original span", arguments: allCases)
    func found(_ testCase: Case) throws {
        let findings = Self.engine.scan(testCase.text).findings
        let covering = findings.first { $0.range.overlaps(testCase.span) }
        let finding = try #require(covering, "\(testCase): \(findings.map(\.detectorID))")
        if testCase.spanVanishes {
            #expect(finding.range.lowerBound <= testCase.span.lowerBound && finding.range.upperBound >= testCase.span.upperBound,
                "\(testCase): \(finding.range) vs \(testCase.span)")
        }
    }

    @Test("Redaction leaves nothing of the value: not the span's bytes, not the value once the output is normalised", arguments: allCases)
    func redacted(_ testCase: Case) throws {
        let output = Self.engine.redact(testCase.text).text
        #expect(!output.contains(testCase.value), "\(testCase)")
        // Nothing of 10 bytes or more of the disguised span is left as written.
        let span = Array(Array(testCase.text.utf8)[testCase.span])
        let outputBytes = Array(output.utf8)
        if testCase.spanVanishes, span.count >= 10 {
            for start in stride(from: 0, through: span.count - 10, by: 1) {
                let window = span[start..<(start + 10)]
                #expect(outputBytes.firstRange(of: window) == nil, "\(testCase): bytes \(start)..< of the span survive")
            }
        }
        // What is left reads as no value, after the same decoding and folding a reader would do.
        let folded = output.unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType != nil || "_".unicodeScalars.contains($0)) }
        let plainAlphanumerics = testCase.value.unicodeScalars.filter { $0.properties.isAlphabetic || $0.properties.numericType != nil || $0 == "_" }
        let foldedText = String(String.UnicodeScalarView(folded))
        let plainText = String(String.UnicodeScalarView(plainAlphanumerics))
        for start in stride(from: 0, through: max(0, plainText.count - 12), by: 4) {
            let piece = String(plainText.dropFirst(start).prefix(12))
            #expect(!foldedText.contains(piece), "\(testCase): \(piece.count) characters of the value survive")
        }
    }

    @Test("Plain text with escapes, entities and non-Latin prose decodes into no findings")
    func noiseStaysClean() {
        let texts = [
            #"printf("usage: %s [options]\n", argv[0]); puts("done\n");"#,
            "Tom &amp; Jerry &lt;3 &#169; 2024 — caf\u{00E9} na\u{0308}ive",
            "Москва — столица России. Αθήνα είναι η πρωτεύουσα.",
            "width=40 port=80 timeout=30\nsize=3D\n",
            "regex: \\d+\\s*\\w+ \\b \\1 \\101",
            "emoji 👩\u{200D}💻 and ❤\u{FE0F} are text",
            "ＡＢＣ　全角テキスト",
        ]
        for text in texts {
            let findings = Self.engine.scan(text).findings
            #expect(findings.isEmpty, "\(text): \(findings.map(\.detectorID))")
        }
    }
}

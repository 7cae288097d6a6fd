import CordonDetectorModel
import CordonTestSupport
import Testing

@testable import Cordon

/// `password-line-assignment` checks, before trying its key word at every split of the name run,
/// that the run from there is 3–74 bytes of the name class followed by `=` — a possessive
/// look-ahead that holds in every match, so the pattern matches the same strings with the same
/// group 1 and fails sooner on lines that are no `KEY=value` (agent traffic: its PCRE2 code
/// 45 M → 34 M instructions, callgrind). Compared with the pattern before the look-ahead, kept
/// here as the reference.
@Suite("password-line-assignment's look-ahead: the same matches and values as the pattern without it")
struct PasswordLineAssignmentLookaheadTests {
    /// The catalogue's pattern before the look-ahead (f5822c0): the reference.
    static let reference = ##"""
        (?x)(?m)^(?:[#;][ \t]{0,4}|[ \t]{0,8}-[ \t]{1,4}|[ \t]{0,8}(?:export|ENV|set|local|readonly)[ \t]{1,4}
          |[ \t]{1,8}(?=[A-Z][A-Z0-9_]{0,63}=))?  # indented only as an upper-case environment name
          # A line-start KEY=value without spaces: .env, shell, Dockerfile ENV, INI, .properties,
          # a compose environment list. These syntaxes have no bare variables ($x and ${x} are
          # references), so an unquoted word is the value itself, even one shaped like a name.
          # (An indented lower-case key=value is a keyword argument in code: not taken.)
          [A-Za-z0-9_.-]{0,64}(?:(?<![A-Za-z])|(?<=[a-z0-9])(?=P)|(?<=[A-Z])(?=PASSW))(?i:pass(?:word|wd|phrase)?|pwd)=
          (?![$%<{\[(\#*`"']|@\{)  # not a reference, a template, a mask or a quote (password-assignment)
          (?![A-Za-z_][A-Za-z0-9_]{0,40}(?:\.[A-Za-z_][A-Za-z0-9_]{0,40}){1,6}[ \t]*(?:\r?\n|\z))  # nor a dotted name
          ([^\s"'`(){}\[\]<>\\]{6,128})(?<![,;])(?=(?:[ \t]+\#[^\r\n]*)?[ \t]*(?:\r?\n|\z))
        """##

    /// The catalogue's pattern.
    static let current: String = try! DetectorSet.builtIn().detectors.first { $0.id == "password-line-assignment" }!.pattern

    /// Every match of `pattern` in `text` from its start: whole match and group 1 (or the match).
    static func matches(_ pattern: CompiledPattern, in text: [UInt8], scratch: MatchScratch) -> [[Range<Int>]] {
        text.withUnsafeBufferPointer { buffer in
            var found: [[Range<Int>]] = []
            var offset = 0
            while offset <= buffer.count {
                switch scratch.match(pattern, in: buffer, from: offset) {
                case .match(let whole, let value):
                    found.append([whole, value])
                    offset = whole.isEmpty ? whole.upperBound + 1 : whole.upperBound
                case .noMatch:
                    return found
                case .failure(let code):
                    Issue.record("PCRE2 failed: \(code)")
                    return found
                }
            }
            return found
        }
    }

    /// Lines built from the pattern's pieces around its bounds: a line start (the text's, LF,
    /// CRLF), a prefix (comment, list item, export…, 0/8/9 blanks), a name of 0–5, 63–65 or 70
    /// bytes ending in a lower-case letter, a capital, a digit or punctuation, a key word (and
    /// near misses), `=` or not, a value of 5–7 or 127–129 bytes, a reference, a dotted name or
    /// a quote, and what ends the line (a comment, blanks, `,`, CRLF, the text's end).
    static func lines(count: Int, seed: UInt64) -> [[UInt8]] {
        var generator = SeededGenerator(seed: seed)
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        let nameBytes = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
        let valueBytes = Array("Kq4Zw9Rb2VmT7rLh3Hn8Jc6Ys5Fd1Gk0WuEaNoCi!@%^&*+/=?:~-_.")
        return (0..<count).map { _ in
            var text = pick(["", "\n", "\r\n", "x = 1\n", "  note\n"])
            for _ in 0..<(1 + Int(generator.next() % 3)) {
                text += pick(["", "", "", "", "# ", "#", ";", "  - ", "- ", "\t-\t", "export ", "ENV ", "set ", "local ", "readonly ", "  ",
                              "        ", "         ", "   export  ", "  export", "-"])
                let nameLength = pick([0, 0, 0, 1, 2, 5, 63, 64, 65, 70])
                text += String((0..<nameLength).map { _ in pick(nameBytes) })
                text += pick(["", "", "_", "DB_", "db", "app1", "MY.", "x-", "Q"])
                text += pick(["pass", "PASS", "Pass", "password", "PASSWORD", "Password", "passwd", "PASSWD", "passphrase", "pwd", "PWD",
                              "pas", "passwords", "passw", "bypass"])
                text += pick(["=", "=", "=", "==", ": ", " = ", ""])
                let valueLength = pick([5, 6, 7, 127, 128, 129])
                let value = String((0..<valueLength).map { _ in pick(valueBytes) })
                text += pick([value, value, value, "$VAR", "${X}", "'quoted'", "settings.MAIL_PASSWORD", "a.b", "%X%", "******", ""])
                text += pick(["\n", "\n", "\r\n", "", "  # rotated\n", "   \n", ",", ";\n", " x", "a,b\n"])
            }
            return Array(text.utf8)
        }
    }

    @Test("The catalogue's pattern is the reference with the look-ahead added")
    func differsByTheLookahead() {
        #expect(Self.current.contains("(?=[A-Za-z0-9_.-]{3,74}+=)"))
        #expect(Self.current != Self.reference)
    }

    @Test("Every example and counter-example of the detector: the same matches and group 1")
    func examples() throws {
        let detector = try #require(DetectorSet.builtIn().detectors.first { $0.id == "password-line-assignment" })
        let reference = try CompiledPattern(Self.reference), current = try CompiledPattern(Self.current)
        let scratch = MatchScratch(limits: .default)
        var matched = 0
        for example in detector.examples + detector.negativeExamples + detector.testValueExamples {
            let text = Array(example.utf8)
            let expected = Self.matches(reference, in: text, scratch: scratch)
            #expect(Self.matches(current, in: text, scratch: scratch) == expected, "\(example)")
            matched += expected.count
        }
        #expect(matched >= detector.examples.count)
    }

    @Test("20,000 generated lines around the pattern's bounds: the same matches and group 1")
    func generatedLines() throws {
        let reference = try CompiledPattern(Self.reference), current = try CompiledPattern(Self.current)
        let scratch = MatchScratch(limits: .default)
        var matched = 0
        for text in Self.lines(count: 20000, seed: 183) {
            let expected = Self.matches(reference, in: text, scratch: scratch)
            #expect(Self.matches(current, in: text, scratch: scratch) == expected, "\(text.count) bytes")
            matched += expected.count
        }
        // Enough of them match for the comparison to mean something.
        #expect(matched > 600)
    }
}

/// A named piece of pattern text that many detectors share, written once and referenced as
/// `(?{name})` in a detector's `pattern`.
///
/// Dozens of detectors recognise the same syntax around their values: where a token may start,
/// how a key is assigned a value in code and configuration, which key names are not secrets.
/// Copied into every pattern, a fix to one copy misses the others; named, it is made once.
/// ``DetectorFileParser`` replaces every reference with the fragment's text, so built-in and
/// custom detector files (`--detectors PATH`) both use these fragments, and a ``Detector``'s
/// pattern is always the full PCRE2 pattern that is compiled.
///
/// The reference syntax `(?{name})` cannot be real pattern text: outside a character class and
/// unescaped, `(?{` is a syntax error in PCRE2 (it has no Perl code blocks), so no valid pattern
/// reads differently because of it, and a reference left unexpanded could never compile.
package struct PatternFragment: Sendable, Hashable {
    /// The name a pattern refers to it by: lowercase letters and `_`.
    package let name: String
    /// The PCRE2 text a reference is replaced with.
    package let text: String
    /// What the fragment matches, for `detectors/README.md` and its test.
    package let summary: String

    /// The reference to this fragment, as a pattern writes it.
    package var reference: String { "(?{\(name)})" }

    /// The fragments every detector file may refer to, in the order of `detectors/README.md`.
    ///
    /// A fragment's text is its patterns' former text exactly, so that expanding a reference
    /// gives byte for byte the pattern that was written out before; the test suite checks that
    /// no detector file spells a fragment out again.
    package static let all: [PatternFragment] = [
        PatternFragment(
            name: "token_start",
            text: #"(?:(?<![A-Za-z0-9])|(?<=\\[nrt]))"#,
            summary: "A token starts here: no ASCII letter or digit before it, or an escaped `\\n`, `\\r` or `\\t` of a string literal."),
        PatternFragment(
            name: "token_start_word",
            text: #"(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]))"#,
            summary: "As `token_start`, and no `_` before it either (for tokens that may follow an identifier)."),
        PatternFragment(
            name: "token_start_dash",
            text: #"(?:(?<![A-Za-z0-9_-])|(?<=\\[nrt]))"#,
            summary: "As `token_start_word`, and no `-` before it either (for base64url-like tokens)."),
        PatternFragment(
            name: "token_start_encoded",
            text: #"(?:(?<![A-Za-z0-9_+/.-])|(?<=\\[nrt]))"#,
            summary: "As `token_start_dash`, and no `+`, `/` or `.` before it either (for tokens inside base64 or dotted text)."),
        PatternFragment(
            name: "keyword_start",
            text: #"(?:(?<![A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z])|(?<=\\[nrt]))"#,
            summary: "A key name starts here: as `token_start`, or at a camelCase hump (`myStripeKey`)."),
        PatternFragment(
            name: "not_an_id",
            text: #"(?![ \t\w.-]{0,32}?(?:[_.-]?(?i:trace|span|commit|checksum|digest|version|uuid|hash|sha(?:1|256|512)?)(?![a-z])|[_.-](?i:id)(?![a-z])|(?<=[a-z])Id(?![a-z])))"#,
            summary: "The key name that follows is not an identifier or digest (`…_id`, `…Id`, `trace`, `commit`, `sha256`, `version`): those hold values that look random but are not secrets."),
        PatternFragment(
            name: "not_a_reference",
            text: #"(?![\w.-]{0,24}?(?:commit|sha(?![a-z])|hash|digest|checksum|version|ref(?![a-z])|uuid|_id(?![a-z])|url(?![a-z])|path|file|name))"#,
            summary: "The key name that follows does not name a digest, an id, a URL, a path or a name (the `assign_phrase` family's variant of `not_an_id`)."),
        PatternFragment(
            name: "assign",
            text: #"(?:[\w.-]{0,32}(?:\\?["'])?\]?(?:[ \t]{0,4}(?:=>|[:?.+|]{0,3}=|:|,|>\s{0,16}|\|\|)|[ \t]{1,4})|[\w.]{0,32}\([ \t]{0,4}(?:[A-Za-z_]{1,24}[ \t]{0,2}=[ \t]{0,2})?|[ \t\w.-]{0,32}?(?:\\?["'])?\]?[ \t]{0,4}(?:=>|[:?.+|]{0,3}=|:|,|>\s{0,16}|\|\|))[ \t]{0,8}(?:\\?["'`])?"#,
            summary: "The rest of a key name and its assignment, up to the opening quote of the value: `=`, `:`, `=>`, `:=`, `||`, a call `f(` or `f(name=`, an XML `>`, a map key in quotes or brackets."),
        PatternFragment(
            name: "assign_nested",
            text: #"[\w.-]{0,24}(?::[ \t]{0,4}\r?\n[ \t]{1,16}[\w.-]{1,32}|["']?[ \t]{0,4}:[ \t]{0,4}\{\s{0,8}["']?[\w.-]{1,32})?(?:[ \t]{1,3}(?:string|str)\b)?(?:[\s"'`]{0,3}(?:=>|[:?.+|]{0,3}=|:|,|>|[ \t]|\((?:[ \t]{0,3}\w{1,16}[ \t]{0,3}=)?)|["'][ \t]{1,4}value[ \t]{0,2}=)[\s"'`]{0,20}"#,
            summary: "The rest of a key name and its assignment, where the value may sit one level down: a YAML key on the next line, a JSON object, a typed `string` declaration, an XML `value=` attribute."),
        PatternFragment(
            name: "assign_simple",
            text: #"[\w.-]{0,24}(?:[ \t]{1,4}(?:string|str))?(?:\\?["\'`])?\]?[ \t]{0,4}(?:[:?.+!]{0,3}=>?|:|,|>|[ \t])[ \t\r\n]{0,8}(?:\\?["\'`])?"#,
            summary: "The rest of a key name and a one-operator assignment (`=`, `:=`, `=>`, `:`, `,`, `>`, a space), up to the opening quote of the value."),
        PatternFragment(
            name: "secret_word_near",
            text: #"(?:(?=[\w. \t-]{0,40}?(?:token|key|secret|pass|pwd|auth|api|cred|pw))[\w. \t-]{0,40}?)?"#,
            summary: "Optionally, the rest of a key name that holds a secret word (`token`, `key`, `secret`, `pass`, `auth`, `api`, `cred`) within 40 characters."),
        PatternFragment(
            name: "assign_default",
            text: #"(?:\\?[\"'`])?(?:[ \t]{0,4}(?:[:?.+|]{0,3}=>?|:|,)|>|[ \t]|[ \t]{0,4}\{[ \t\r\n]{0,16}default[ \t]{0,4}=)[ \t\r\n]{0,16}(?:\\?[\"'`])?"#,
            summary: "An assignment after a key name, or a Terraform variable's `{ default =`, up to the opening quote of the value."),
        PatternFragment(
            name: "assign_phrase",
            text: #"(?: (?:api |access |auth |app |personal )?(?:token|key|secret))?(?:\\?["'])?\]?(?:[ \t]{0,4}(?:=>|:{1,3}=|[?.+]?=|[:,>])[ \t\r\n]{0,16}|[ \t]{0,4}:?[ \t]{1,4}&?(?:string|str)[ \t]{1,4}=[ \t]{0,4}|[ \t]{1,4})(?:\\?["'`])?"#,
            summary: "An optional spelled-out `api token`/`access key`/`secret`, then an assignment (including Go's `string =`), up to the opening quote of the value. Holds literal spaces: not for `(?x)` patterns."),
        PatternFragment(
            name: "has_digit",
            text: #"(?=[A-Za-z_=+/.-]{0,90}[0-9])"#,
            summary: "The value that follows holds a digit within its first 91 characters (a random token almost always does; a word does not)."),
        PatternFragment(
            name: "uuid",
            text: #"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"#,
            summary: "A UUID in lowercase hex (8-4-4-4-12)."),
        PatternFragment(
            name: "uuid_any_case",
            text: #"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"#,
            summary: "A UUID in hex of either case (8-4-4-4-12)."),
    ]

    /// The fragments by name.
    package static let byName: [String: PatternFragment] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// Whether the text means the same in extended mode (`(?x)`): no whitespace or `#` outside
    /// a character class, which extended mode would drop or read as a comment.
    package var isLayoutFree: Bool {
        var layoutFree = true
        PatternText.scan(Array(text.utf8), extended: false) { piece in
            if case .literal(let byte) = piece, PatternText.isLayout(byte) { layoutFree = false }
        }
        return layoutFree
    }
}

/// Expands fragment references in a pattern.
package enum PatternFragments {
    /// Why a pattern's references could not be expanded: what is wrong and the byte offset of
    /// the reference in the pattern. Never holds pattern text beyond a plain name.
    package struct Failure: Error, Equatable {
        package var offset: Int
        package var message: String
    }

    /// `pattern` with every `(?{name})` outside character classes, escapes and comments
    /// replaced by the text of the fragment `name`.
    ///
    /// - Throws: ``Failure`` for an unknown name, a malformed reference (`(?{` not followed by
    ///   a name and `})`), or a fragment whose spaces `(?x)` would drop.
    package static func expand(_ pattern: String) throws(Failure) -> String {
        let bytes = Array(pattern.utf8)
        guard bytes.contains(UInt8(ascii: "{")) else { return pattern }
        let extended = PatternText.isExtended(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var failure: Failure?
        PatternText.scan(bytes, extended: extended) { piece in
            guard failure == nil else { return }
            switch piece {
            case .literal(let byte): output.append(byte)
            case .verbatim(let range): output += bytes[range]
            case .reference(let name, let offset):
                guard let name else {
                    failure = Failure(offset: offset, message: "malformed fragment reference: write (?{name}) with a name of lowercase letters and '_'")
                    return
                }
                guard let fragment = PatternFragment.byName[name] else {
                    failure = Failure(
                        offset: offset,
                        message: "unknown fragment \(StrictYAML.quoted(name)) (known: \(PatternFragment.all.map(\.name).joined(separator: ", ")))")
                    return
                }
                guard !extended || fragment.isLayoutFree else {
                    failure = Failure(offset: offset, message: "fragment '\(name)' holds literal spaces, which (?x) would ignore: write this pattern without (?x)")
                    return
                }
                output += fragment.text.utf8
            }
        }
        if let failure { throw failure }
        return String(decoding: output, as: UTF8.self)
    }
}

/// A minimal reader of PCRE2 pattern text: enough to tell a fragment reference from the same
/// bytes inside an escape, a character class or a comment, and layout from literal text.
enum PatternText {
    /// A part of a pattern.
    enum Piece {
        /// One byte outside escapes, classes and comments.
        case literal(UInt8)
        /// An escape, a character class, `\Q…\E` or a comment: copied as written.
        case verbatim(Range<Int>)
        /// `(?{name})` at an offset; `nil` when the name or the closing `})` is malformed.
        case reference(String?, offset: Int)
    }

    /// Whether extended mode makes `byte` layout: whitespace, or `#` opening a comment.
    static func isLayout(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte) || byte == UInt8(ascii: "#")
    }

    /// Whether the pattern is written in extended mode: it starts with `(?x)`.
    static func isExtended(_ bytes: [UInt8]) -> Bool { bytes.starts(with: "(?x)".utf8) }

    /// Calls `visit` with the pieces of `bytes` in order; `extended` makes `#` start a comment
    /// that runs to the end of the line.
    static func scan(_ bytes: [UInt8], extended: Bool, _ visit: (Piece) -> Void) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            let start = index
            switch byte {
            case UInt8(ascii: "\\"):
                if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "Q") {
                    // Quoted text runs to `\E` or the end of the pattern.
                    index += 2
                    while index < bytes.count, !(bytes[index] == UInt8(ascii: "\\") && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "E")) {
                        index += 1
                    }
                    index = min(index + 2, bytes.count)
                } else {
                    index = min(index + 2, bytes.count)
                }
                visit(.verbatim(start..<index))
            case UInt8(ascii: "["):
                index = classEnd(bytes, from: index)
                visit(.verbatim(start..<index))
            case UInt8(ascii: "#") where extended:
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
                visit(.verbatim(start..<index))
            case UInt8(ascii: "(") where bytes[index...].starts(with: "(?#".utf8):
                while index < bytes.count, bytes[index] != UInt8(ascii: ")") { index += 1 }
                index = min(index + 1, bytes.count)
                visit(.verbatim(start..<index))
            case UInt8(ascii: "(") where bytes[index...].starts(with: "(?{".utf8):
                index += 3
                let nameStart = index
                while index < bytes.count, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[index]) || bytes[index] == UInt8(ascii: "_") {
                    index += 1
                }
                let name = String(decoding: bytes[nameStart..<index], as: UTF8.self)
                if index > nameStart, bytes[index...].starts(with: "})".utf8) {
                    index += 2
                    visit(.reference(name, offset: start))
                } else {
                    visit(.reference(nil, offset: start))
                    return
                }
            default:
                index += 1
                visit(.literal(byte))
            }
        }
    }

    /// The index after the character class that opens at `start`: a `]` right after `[` or
    /// `[^` is a member, `\` escapes the next byte, and `[:name:]` is a POSIX class.
    private static func classEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start + 1
        if index < bytes.count, bytes[index] == UInt8(ascii: "^") { index += 1 }
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1 }
        while index < bytes.count, bytes[index] != UInt8(ascii: "]") {
            if bytes[index] == UInt8(ascii: "\\") {
                index += 2
            } else if bytes[index...].starts(with: "[:".utf8),
                let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "]")), close > index + 2,
                bytes[close - 1] == UInt8(ascii: ":")
            {
                index = close + 1
            } else {
                index += 1
            }
        }
        return min(index + 1, bytes.count)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The decodings Cordon applies to find values hidden in common encodings.
///
/// Each decoder reads a whole message, decodes what it recognises and copies everything else,
/// so the context around a decoded value (`token = "…"`) stays next to it. A decoder returns
/// `nil` when it changes nothing, so a message without encodings costs one pass per decoder
/// and no copies. Escapes are decoded only inside a stretch of text long enough to hold a
/// value or a value with its key (``isWorthDecoding(_:at:)``): a lone `\n` at the end of a
/// short string changes nothing any detector could report, and decoding it would make the
/// engine rescan the text around it.
enum Decoder: String, CaseIterable, Sendable {
    /// Invisible characters removed (zero-width and other default-ignorable code points, ANSI
    /// terminal sequences) and string-literal seams (`"abc" + "def"`, `'abc' 'def'`) joined.
    case joined
    /// Base64 and base64url runs of at least 20 characters that decode to text, lines wrapped
    /// at a multiple of 4 columns (76 for MIME, 64 for PEM) joined.
    case base64
    /// Runs of at least 32 hex digits, or of 16 hex pairs with one separator (`41:4b:49:41`),
    /// that decode to text.
    case hex
    /// Percent-encoding (`%41`, `%u0041`).
    case percent
    /// JSON string escapes (`\u0041`, `\"`, `\n`, `\/`).
    case json
    /// Other backslash escapes: `\x41`, octal `\101`, `\u{41}`, `\U00000041`, CSS `\41 `.
    case backslash
    /// HTML character references (`&#65;`, `&#x41;`, `&amp;`, and `&#65` without its `;`).
    case html
    /// Quoted-printable (`=3D`, soft line breaks `=` at the end of a line).
    case quotedPrintable = "quoted-printable"
    /// Look-alike characters folded for matching: fullwidth forms, mathematical letters and
    /// digits, Cyrillic and Greek homoglyphs and combining marks next to ASCII letters.
    case unicode
    /// UTF-16 text (with a byte-order mark) as UTF-8.
    case utf16
    /// A table's typed column headers (`ssn`, `phone`, `password`) repeated before each of
    /// their cells, so the header is the context of every cell below it.
    case columns

    /// How a decoder finds what to look at.
    ///
    /// The reason for two: decoders look only at their trigger bytes (``prescanned``), and a
    /// reference that looks at every byte (``everyByte``) lets the tests check that skipping
    /// between triggers never passes over something the decoder would have decoded.
    enum Pass: Sendable {
        /// A message without the decoder's trigger byte is left at once (`memchr`); in the
        /// others, the text between two triggers is skipped many bytes at a time.
        case prescanned
        /// No early exit, every byte looked at in turn: the reference.
        case everyByte
    }

    /// The decoded message, or `nil` when nothing was decoded.
    ///
    /// `masks`, when given, are `input`'s block masks (``DecoderMasks``), made once for all the
    /// decoders that read them (``readsBlockMasks``); without them such a decoder makes its own
    /// where the processor has AVX2.
    func decode(_ input: UnsafeBufferPointer<UInt8>, pass: Pass = .prescanned, masks: DecoderMasks? = nil) -> (bytes: [UInt8], map: LayerMap)? {
        guard let base = input.baseAddress, !input.isEmpty else { return nil }
        // Cheap triggers: most messages hold none of these bytes.
        if pass == .prescanned, !Self.mayDecode(self, base: base, count: input.count) { return nil }
        var writer = LayerWriter(capacity: input.count)
        if pass == .prescanned, readsBlockMasks, NibbleClass.isAvailable {
            let masks = masks ?? DecoderMasks(input)
            precondition(masks.count == input.count, "the block masks of another input")
            masks.withPlanes { planes in
                switch self {
                case .joined: Self.join(input, &writer, planes)
                case .base64: Self.decodeBase64Runs(input, &writer, planes)
                case .hex: Self.decodeHexRuns(input, &writer, planes)
                default: Self.repeatColumnHeaders(input, &writer, planes)
                }
            }
            guard writer.map.changesAnything else { return nil }
            writer.flush(upTo: input.count, from: input)
            return (writer.bytes, writer.map)
        }
        switch self {
        case .joined: Self.join(input, &writer, pass)
        case .base64: Self.decodeBase64Runs(input, &writer, pass)
        case .hex: Self.decodeHexRuns(input, &writer, pass)
        case .percent: Self.decodePercent(input, &writer, pass)
        case .json: Self.decodeJSONEscapes(input, &writer, pass)
        case .backslash: Self.decodeBackslashEscapes(input, &writer, pass)
        case .html: Self.decodeHTML(input, &writer, pass)
        case .quotedPrintable: Self.decodeQuotedPrintable(input, &writer, pass)
        case .unicode: Self.fold(input, &writer, pass)
        case .utf16: Self.decodeUTF16(input, &writer)
        case .columns: Self.repeatColumnHeaders(input, &writer, pass)
        }
        guard writer.map.changesAnything else { return nil }
        writer.flush(upTo: input.count, from: input)
        return (writer.bytes, writer.map)
    }

    /// Whether the decoder finds what to decode in ``DecoderMasks`` (with ``Pass/prescanned``
    /// where the processor has AVX2): the decoders without a single trigger byte.
    var readsBlockMasks: Bool {
        switch self {
        case .joined, .base64, .hex, .columns: return true
        default: return false
        }
    }

    /// Whether `decoder` can change anything in a message: whether the message holds its
    /// trigger byte (`%`, `\\`, `&`, `=`, a byte-order mark); decoders of runs, look-alikes,
    /// invisible characters and tables have no single trigger byte and find their own.
    private static func mayDecode(_ decoder: Decoder, base: UnsafePointer<UInt8>, count: Int) -> Bool {
        switch decoder {
        case .percent: return memchr(base, Int32(UInt8(ascii: "%")), count) != nil
        case .json, .backslash: return memchr(base, Int32(UInt8(ascii: "\\")), count) != nil
        case .html: return memchr(base, Int32(UInt8(ascii: "&")), count) != nil
        case .quotedPrintable: return memchr(base, Int32(UInt8(ascii: "=")), count) != nil
        case .utf16: return count >= 4 && (base[0] == 0xFF && base[1] == 0xFE || base[0] == 0xFE && base[1] == 0xFF)
        case .joined, .base64, .hex, .unicode, .columns: return true
        }
    }

    // MARK: - Seeking

    /// The offset of the first `byte` at or after `start`, or `input.count`.
    ///
    /// The reason: decoders look only at their escape character (`%`, `\\`, `&`, `=`), and
    /// `memchr` skips the text between two of them many bytes at a time, where a loop over
    /// every byte made each decoder a full pass over the message (#13).
    ///
    /// With ``Pass/everyByte`` the answer is `start` itself (clamped to `input.count`): the
    /// caller looks at that byte and moves on by one, as a loop over every byte does.
    @inline(__always)
    static func next(_ byte: UInt8, in input: UnsafeBufferPointer<UInt8>, from start: Int, _ pass: Pass) -> Int {
        if pass == .everyByte { return min(start, input.count) }
        guard start < input.count, let base = input.baseAddress,
            let found = memchr(base + start, Int32(byte), input.count - start)
        else { return input.count }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    // MARK: - Shared rules

    /// The shortest stretch of text around an escape that is worth decoding.
    static let minimumStretch = 12
    /// How far on each side of an escape the stretch is measured.
    static let stretchReach = 64

    /// Whether the escape at `index` stands in a stretch of at least ``minimumStretch`` bytes
    /// without blanks, quotes or angle brackets: a value, or a key with its value
    /// (`q=key%20AKIA…`, `\u0026password=…`, `mysql:\/\/root:pw@host`).
    ///
    /// The reason: decoding makes the engine rescan the decoded text around each escape, and
    /// escapes in short strings (`"%s\n"`, `"done\n"`) are common in code and logs while they
    /// can neither hide nor introduce a value.
    ///
    /// The stretch is measured only as far as the answer needs: at most `minimumStretch − 1`
    /// bytes back, then forward until it holds `minimumStretch` bytes. The reason: the walk to
    /// the stretch's ends (up to ``stretchReach`` bytes each way) read a lazily made table
    /// through its `swift_once` guard for every byte, ~1,900 instructions an escape — 36 M
    /// instructions of a scan of the dense corpus, whose encoded values are long runs of
    /// escapes (#13, callgrind). The answer is the same: with `b` stretch bytes before the
    /// escape and `f` after it (each within ``stretchReach``, which is larger than
    /// ``minimumStretch``), `b + 1 + f ≥ minimumStretch` holds exactly when it holds with `b`
    /// capped at `minimumStretch − 1` and `f` capped at what is still missing.
    /// ``isWorthDecodingByFullWalk(_:at:)`` is the full walk, the tests' reference.
    static func isWorthDecoding(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var start = index
        let lowest = max(0, index - min(stretchReach, minimumStretch - 1))
        while start > lowest, !isStretchEnd(input[start - 1]) { start -= 1 }
        var end = index + 1
        let highest = min(input.count, index + stretchReach, start + minimumStretch)
        while end < highest, !isStretchEnd(input[end]) { end += 1 }
        return end - start >= minimumStretch
    }

    /// ``isWorthDecoding(_:at:)`` measured by walking to the stretch's ends, up to
    /// ``stretchReach`` bytes each way: the reference the tests compare it with.
    static func isWorthDecodingByFullWalk(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
        var start = index
        let lowest = max(0, index - stretchReach)
        while start > lowest, !stretchEndBytes.contains(input[start - 1]) { start -= 1 }
        var end = index + 1
        let highest = min(input.count, index + stretchReach)
        while end < highest, !stretchEndBytes.contains(input[end]) { end += 1 }
        return end - start >= minimumStretch
    }

    /// The bytes that end a stretch: blanks, line breaks, quotes, backquotes and angle brackets.
    static let stretchEndBytes: [UInt8] = [0x20, 0x09, 0x0A, 0x0D, 0x22, 0x27, 0x60, 0x3C, 0x3E]

    /// Whether `byte` is one of ``stretchEndBytes``, read off two constant bit sets (bytes below
    /// 64, bytes 64 to 127): no table, so no lazy initialisation to check for every byte read.
    @inline(__always)
    static func isStretchEnd(_ byte: UInt8) -> Bool {
        let below64: UInt64 = 1 << 0x09 | 1 << 0x0A | 1 << 0x0D | 1 << 0x20 | 1 << 0x22 | 1 << 0x27 | 1 << 0x3C | 1 << 0x3E
        let below128: UInt64 = 1 << (0x60 - 64)
        if byte < 64 { return below64 >> UInt64(byte) & 1 != 0 }
        if byte < 128 { return below128 >> UInt64(byte &- 64) & 1 != 0 }
        return false
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// Whether decoded bytes read as text: at least 8 bytes, nearly all printable ASCII, tabs,
    /// line breaks or UTF-8 — so random keys, hashes and images are not rescanned.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool { looksLikeText(bytes, followedBy: []) }

    /// Whether `bytes` and then `tail` read as text (``looksLikeText(_:)``), counted in one pass
    /// over each without joining them: a base64 run's last group is decoded apart, and joining
    /// the two copied every decoded run once more (#13).
    static func looksLikeText(_ bytes: [UInt8], followedBy tail: [UInt8]) -> Bool {
        let count = bytes.count + tail.count
        guard count >= 8 else { return false }
        var printable = 0
        var highBytes = 0
        @inline(__always) func tally(_ part: [UInt8]) {
            for byte in part {
                if byte >= 0x80 {
                    highBytes += 1
                } else if (0x20...0x7E).contains(byte) || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                    printable += 1
                }
            }
        }
        tally(bytes)
        tally(tail)
        // Bytes of 0x80 or more count as printable (UTF-8), and no more than 30 % of them.
        return (printable + highBytes) * 100 >= count * 95 && highBytes * 100 <= count * 30
    }

    /// Whether `value` decodes to a printable ASCII byte, a tab or a line break.
    static func isTextByte(_ value: UInt32) -> Bool {
        (0x20...0x7E).contains(value) || value == 0x09 || value == 0x0A || value == 0x0D
    }
}

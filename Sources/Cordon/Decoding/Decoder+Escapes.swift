#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Decoder {
    // MARK: - Percent

    /// Decodes `%XX` escapes that give printable ASCII or a well-formed UTF-8 sequence
    /// (`%C3%A9`), and `%uXXXX` escapes (a non-standard form some servers accept); others
    /// (`%AD` in `%ADMIN_PASSWORD%`) are left as written.
    static func decodePercent(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        func escape(at index: Int) -> UInt8? {
            guard index + 2 < input.count, input[index] == UInt8(ascii: "%"), let high = Hex.value(of: input[index + 1]),
                let low = Hex.value(of: input[index + 2])
            else { return nil }
            return UInt8(high << 4 | low)
        }
        var index = next(UInt8(ascii: "%"), in: input, from: 0, pass)
        while index + 2 < input.count {
            guard input[index] == UInt8(ascii: "%") else {
                index = next(UInt8(ascii: "%"), in: input, from: index + 1, pass)
                continue
            }
            if input[index + 1] | 0x20 == UInt8(ascii: "u"), let value = hexValue(input, from: index + 2, digits: 4),
                let scalar = DecodedBytes(scalar: value), value >= 0x20, isWorthDecoding(input, at: index)
            {
                writer.flush(upTo: index, from: input)
                writer.append(scalar, originalUnit: 6)
                index += 6
                continue
            }
            guard let first = escape(at: index) else {
                index += 1
                continue
            }
            var sequence = DecodedBytes(byte: first)
            let expected: Int
            switch first {
            case 0x20...0x7E, 0x09, 0x0A, 0x0D: expected = 1
            case 0xC2...0xDF: expected = 2
            case 0xE0...0xEF: expected = 3
            case 0xF0...0xF4: expected = 4
            default: expected = 0
            }
            while sequence.count < expected, let next = escape(at: index + 3 * sequence.count), (0x80...0xBF).contains(next) {
                sequence.append(next)
            }
            guard expected > 0, sequence.count == expected, isWorthDecoding(input, at: index) else {
                index += 1
                continue
            }
            writer.flush(upTo: index, from: input)
            writer.append(sequence, originalUnit: 3 * sequence.count)
            index += 3 * sequence.count
        }
    }

    /// The value of `digits` hex digits from `start`, or `nil`.
    static func hexValue(_ input: UnsafeBufferPointer<UInt8>, from start: Int, digits: Int) -> UInt32? {
        guard start + digits <= input.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<digits {
            guard let digit = Hex.value(of: input[start + offset]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    // MARK: - JSON

    static func decodeJSONEscapes(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        var index = next(UInt8(ascii: "\\"), in: input, from: 0, pass)
        while index + 1 < input.count {
            guard input[index] == UInt8(ascii: "\\") else {
                index = next(UInt8(ascii: "\\"), in: input, from: index + 1, pass)
                continue
            }
            let next = input[index + 1]
            var replacement: DecodedBytes?
            var consumed = 2
            switch next {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): replacement = DecodedBytes(byte: next)
            case UInt8(ascii: "n"): replacement = DecodedBytes(byte: 0x0A)
            case UInt8(ascii: "r"): replacement = DecodedBytes(byte: 0x0D)
            case UInt8(ascii: "t"): replacement = DecodedBytes(byte: 0x09)
            case UInt8(ascii: "u"):
                if var value = unicodeEscape(input, at: index) {
                    consumed = 6
                    // A surrogate pair: \uD83D\uDE00.
                    if (0xD800...0xDBFF).contains(value), let low = unicodeEscape(input, at: index + 6),
                        (0xDC00...0xDFFF).contains(low)
                    {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        consumed = 12
                    }
                    replacement = DecodedBytes(scalar: value) ?? .replacementCharacter
                }
            default: break
            }
            guard let replacement, isWorthDecoding(input, at: index) else {
                index += 2
                continue
            }
            writer.flush(upTo: index, from: input)
            writer.append(replacement, originalUnit: consumed)
            index += consumed
        }
    }

    /// The code unit of a `\uXXXX` escape at `index` (a surrogate is returned as is).
    private static func unicodeEscape(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        guard index + 5 < input.count, input[index] == UInt8(ascii: "\\"), input[index + 1] == UInt8(ascii: "u") else { return nil }
        return hexValue(input, from: index + 2, digits: 4)
    }

    // MARK: - Other backslash escapes

    /// Decodes the backslash escapes of C, Python, JavaScript, Rust, Go, Java and CSS that JSON
    /// lacks: `\x41`, octal `\101`, `\u{41}`, `\U00000041`, and CSS's `\41 ` (1–6 hex digits,
    /// an optional blank). Only escapes that give a printable character are decoded, so regular
    /// expressions (`\d`, `\b`, `\1`) and control characters stay as written.
    static func decodeBackslashEscapes(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        var index = 0
        // Where the last decoded escape ended: a run of escapes is worth decoding as a whole even
        // when CSS's blanks cut it into short stretches.
        var lastEnd = -1
        index = next(UInt8(ascii: "\\"), in: input, from: 0, pass)
        while index + 2 < input.count {
            guard input[index] == UInt8(ascii: "\\") else {
                index = next(UInt8(ascii: "\\"), in: input, from: index + 1, pass)
                continue
            }
            if input[index + 1] == UInt8(ascii: "\\") {
                index += 2
                continue
            }
            guard let (value, consumed) = backslashEscape(input, at: index), let replacement = DecodedBytes(scalar: value),
                index == lastEnd || isWorthDecoding(input, at: index)
                    || (index + consumed < input.count && input[index + consumed] == UInt8(ascii: "\\")
                        && backslashEscape(input, at: index + consumed) != nil)
            else {
                index += 1
                continue
            }
            lastEnd = index + consumed
            writer.flush(upTo: index, from: input)
            writer.append(replacement, originalUnit: consumed)
            index += consumed
        }
    }

    /// The code point and length of the backslash escape at `index`, when it gives printable text.
    private static func backslashEscape(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> (UInt32, Int)? {
        // A backslash ending the input (checked after a decoded escape) escapes nothing; reading
        // past it read one byte beyond the buffer.
        guard index + 1 < input.count else { return nil }
        let next = input[index + 1]
        func printable(_ value: UInt32) -> Bool { (0x20...0x7E).contains(value) || value >= 0xA0 }
        switch next {
        case UInt8(ascii: "x"):
            guard let value = hexValue(input, from: index + 2, digits: 2), isTextByte(value), value >= 0x20 else { return nil }
            return (value, 4)
        case UInt8(ascii: "u") where index + 3 < input.count && input[index + 2] == UInt8(ascii: "{"):
            var position = index + 3
            var value: UInt32 = 0
            while position < input.count, position - index < 10, let digit = Hex.value(of: input[position]) {
                value = value << 4 | UInt32(digit)
                position += 1
            }
            guard position > index + 3, position < input.count, input[position] == UInt8(ascii: "}"), printable(value) else { return nil }
            return (value, position + 1 - index)
        case UInt8(ascii: "U"):
            guard let value = hexValue(input, from: index + 2, digits: 8), printable(value), value <= 0x10FFFF else { return nil }
            return (value, 10)
        default:
            break
        }
        // Octal: exactly three digits, the first 0–3, not followed by a hex digit or a blank (CSS).
        if index + 3 < input.count, (UInt8(ascii: "0")...UInt8(ascii: "3")).contains(next),
            (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(input[index + 2]),
            (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(input[index + 3]),
            index + 4 >= input.count || (Hex.values[Int(input[index + 4])] < 0 && input[index + 4] != UInt8(ascii: " "))
        {
            let value = UInt32(next - 48) << 6 | UInt32(input[index + 2] - 48) << 3 | UInt32(input[index + 3] - 48)
            return (0x20...0x7E).contains(value) ? (value, 4) : nil
        }
        // CSS: 1–6 hex digits ending at a non-hex byte; one blank after them belongs to the escape.
        var position = index + 1
        var value: UInt32 = 0
        while position < input.count, position - index <= 6, let digit = Hex.value(of: input[position]) {
            value = value << 4 | UInt32(digit)
            position += 1
        }
        guard position > index + 1, position - index <= 7, position >= input.count || Hex.values[Int(input[position])] < 0,
            (0x20...0x7E).contains(value)
        else { return nil }
        if position < input.count, input[position] == UInt8(ascii: " ") { position += 1 }
        return (value, position - index)
    }

    // MARK: - HTML

    static let namedEntities: [String: UInt8] = [
        "amp": UInt8(ascii: "&"), "lt": UInt8(ascii: "<"), "gt": UInt8(ascii: ">"), "quot": UInt8(ascii: "\""),
        "apos": UInt8(ascii: "'"), "nbsp": UInt8(ascii: " "), "sol": UInt8(ascii: "/"), "colon": UInt8(ascii: ":"),
        "equals": UInt8(ascii: "="), "commat": UInt8(ascii: "@"), "period": UInt8(ascii: "."), "lowbar": UInt8(ascii: "_"),
    ]

    /// Decodes character references: named ones from a short list, and numeric ones
    /// (`&#65;`, `&#x41;`) with or without their `;` — browsers accept both.
    static func decodeHTML(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        var index = next(UInt8(ascii: "&"), in: input, from: 0, pass)
        while index + 2 < input.count {
            guard input[index] == UInt8(ascii: "&") else {
                index = next(UInt8(ascii: "&"), in: input, from: index + 1, pass)
                continue
            }
            var replacement: DecodedBytes?
            var end = index
            if input[index + 1] == UInt8(ascii: "#") {
                let hex = input[index + 2] | 0x20 == UInt8(ascii: "x")
                var position = index + (hex ? 3 : 2)
                var value: UInt32 = 0
                let digitsStart = position
                while position < input.count, position - digitsStart < 7,
                    let digit = hex ? Hex.value(of: input[position]) : (ByteClass.isDigit(input[position]) ? Int(input[position] - 48) : nil)
                {
                    value = value * (hex ? 16 : 10) + UInt32(digit)
                    position += 1
                }
                if position > digitsStart, let bytes = DecodedBytes(scalar: value), value >= 0x09 {
                    let semicolon = position < input.count && input[position] == UInt8(ascii: ";")
                    // Without its `;`, a reference counts only when it gives printable ASCII.
                    if semicolon || (0x20...0x7E).contains(value) {
                        replacement = bytes
                        end = semicolon ? position + 1 : position
                    }
                }
            } else if let semicolon = input[index..<min(input.count, index + 12)].firstIndex(of: UInt8(ascii: ";")),
                let byte = namedEntities[String(decoding: input[(index + 1)..<semicolon], as: UTF8.self)]
            {
                replacement = DecodedBytes(byte: byte)
                end = semicolon + 1
            }
            guard let replacement, isWorthDecoding(input, at: index) else {
                index += 1
                continue
            }
            writer.flush(upTo: index, from: input)
            writer.append(replacement, originalUnit: end - index)
            index = end
        }
    }

    // MARK: - Quoted-printable

    /// Decodes quoted-printable (RFC 2045) as mail and MIME parts carry it: `=XX` with two
    /// upper-case hex digits giving printable ASCII, and soft line breaks (`=` ending a line of
    /// at least ``minimumSoftBreakColumn`` bytes, which joins it with the next).
    ///
    /// Code is full of `=` followed by two digits (`port=80`, `width=40`), so `=XX` escapes are
    /// decoded only in a message that is quoted-printable for sure: one holding an encoded `=`
    /// (`=3D`, which every `key=value` becomes) or a soft line break.
    static func decodeQuotedPrintable(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        func upperHex(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - 48)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - 55)
            default: nil
            }
        }
        /// The length of the soft line break at `index` (`=` and CRLF or LF), or 0.
        func softBreak(at index: Int) -> Int {
            guard index + 1 < input.count, input[index + 1] == 0x0D || input[index + 1] == 0x0A,
                index >= minimumSoftBreakColumn, input[index - 1] != UInt8(ascii: "="),
                !containsLineFeed(input, (index - minimumSoftBreakColumn)..<index)
            else { return 0 }
            let length = input[index + 1] == 0x0D && index + 2 < input.count && input[index + 2] == 0x0A ? 3 : input[index + 1] == 0x0A ? 2 : 0
            return length > 0 && index + length < input.count && isTokenByte(input[index + length]) ? length : 0
        }
        // Is this quoted-printable at all? Only the `=` signs are looked at.
        let equals = UInt8(ascii: "=")
        var isQuotedPrintable = false
        var index = next(equals, in: input, from: 0, pass)
        while index < input.count {
            if input[index] != equals {
                // Only with ``Pass/everyByte``: `next` gives every offset.
            } else if index + 2 < input.count, input[index + 1] == UInt8(ascii: "3"), input[index + 2] == UInt8(ascii: "D") {
                isQuotedPrintable = true
                break
            } else if softBreak(at: index) > 0 {
                isQuotedPrintable = true
                break
            }
            index = next(equals, in: input, from: index + 1, pass)
        }
        guard isQuotedPrintable else { return }
        index = next(equals, in: input, from: 0, pass)
        while index + 1 < input.count {
            guard input[index] == equals else {
                index = next(equals, in: input, from: index + 1, pass)
                continue
            }
            let length = softBreak(at: index)
            if length > 0 {
                writer.flush(upTo: index, from: input)
                writer.remove(length)
                index += length
                continue
            }
            guard index + 2 < input.count, let high = upperHex(input[index + 1]), let low = upperHex(input[index + 2]),
                case let value = high << 4 | low, (0x20...0x7E).contains(value) || value == 0x09
            else {
                index += 1
                continue
            }
            writer.flush(upTo: index, from: input)
            writer.append(DecodedBytes(byte: UInt8(value)), originalUnit: 3)
            index += 3
        }
    }

    /// Whether `range` of `input` holds a line feed: a soft line break ends a line at least
    /// ``minimumSoftBreakColumn`` bytes long, so only that many bytes before it are looked at.
    private static func containsLineFeed(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        guard let base = input.baseAddress, !range.isEmpty else { return false }
        return memchr(base + range.lowerBound, 0x0A, range.count) != nil
    }

    /// The shortest line a soft line break may end: encoders wrap at 76 columns.
    static let minimumSoftBreakColumn = 60
}

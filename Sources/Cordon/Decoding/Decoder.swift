#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The decodings Cordon applies to find values hidden in common encodings.
///
/// Each decoder rewrites a whole message, decoding what it recognises and copying everything
/// else, so the context around a decoded value (`token = "…"`) stays next to it. A decoder
/// returns `nil` when it changes nothing, so a message without encodings costs one pass per
/// decoder and no copies.
enum Decoder: String, CaseIterable, Sendable {
    /// Zero-width characters removed and string-literal seams (`"abc" + "def"`, `'abc' 'def'`) joined.
    case joined
    /// Base64 and base64url runs of at least 20 characters that decode to text.
    case base64
    /// Runs of at least 32 hex digits that decode to text.
    case hex
    /// Percent-encoding (`%41`).
    case percent
    /// JSON string escapes (`\u0041`, `\"`, `\n`).
    case json
    /// HTML character references (`&#65;`, `&#x41;`, `&amp;`).
    case html
    /// UTF-16 text (with a byte-order mark) as UTF-8.
    case utf16

    /// The decoded message, or `nil` when nothing was decoded.
    func decode(_ input: UnsafeBufferPointer<UInt8>) -> (bytes: [UInt8], map: LayerMap)? {
        guard let base = input.baseAddress, !input.isEmpty else { return nil }
        // Cheap triggers: most messages hold none of these bytes.
        switch self {
        case .percent: if memchr(base, Int32(UInt8(ascii: "%")), input.count) == nil { return nil }
        case .json: if memchr(base, Int32(UInt8(ascii: "\\")), input.count) == nil { return nil }
        case .html: if memchr(base, Int32(UInt8(ascii: "&")), input.count) == nil { return nil }
        case .utf16: if input.count < 4 || !(input[0] == 0xFF && input[1] == 0xFE || input[0] == 0xFE && input[1] == 0xFF) { return nil }
        case .joined, .base64, .hex: break
        }
        var writer = LayerWriter(capacity: input.count)
        switch self {
        case .joined: Self.join(input, &writer)
        case .base64: Self.decodeBase64Runs(input, &writer)
        case .hex: Self.decodeHexRuns(input, &writer)
        case .percent: Self.decodePercent(input, &writer)
        case .json: Self.decodeJSONEscapes(input, &writer)
        case .html: Self.decodeHTML(input, &writer)
        case .utf16: Self.decodeUTF16(input, &writer)
        }
        guard writer.map.changesAnything else { return nil }
        writer.flush(upTo: input.count, from: input)
        return (writer.bytes, writer.map)
    }

    // MARK: - Joined: zero-width characters and string seams

    /// U+200B–U+200D, U+2060 and U+FEFF in UTF-8.
    private static func zeroWidthLength(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        guard index + 2 < input.count else { return 0 }
        let (a, b, c) = (input[index], input[index + 1], input[index + 2])
        if a == 0xE2, b == 0x80, (0x8B...0x8D).contains(c) { return 3 }
        if a == 0xE2, b == 0x81, c == 0xA0 { return 3 }
        if a == 0xEF, b == 0xBB, c == 0xBF { return 3 }
        return 0
    }

    /// Bytes that may start a zero-width character or a string seam.
    private static let joinTriggers: [Bool] = (0..<256).map {
        $0 == 0xE2 || $0 == 0xEF || $0 == Int(UInt8(ascii: "\"")) || $0 == Int(UInt8(ascii: "'"))
    }

    private static func join(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard joinTriggers[Int(byte)] else {
                index += 1
                continue
            }
            if byte == 0xE2 || byte == 0xEF, case let length = zeroWidthLength(input, at: index), length > 0 {
                writer.flush(upTo: index, from: input)
                writer.remove(length)
                index += length
                continue
            }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'"), let seam = seamLength(input, at: index, quote: byte) {
                writer.flush(upTo: index, from: input)
                writer.remove(seam)
                index += seam
                continue
            }
            index += 1
        }
    }

    /// The length of a seam starting at a closing quote: blanks, an optional `+` (or `.` or
    /// `..` for PHP and Lua), blanks and line breaks, and an opening quote of the same kind.
    /// The quote before must close a literal: a letter, digit or symbol precedes it.
    private static func seamLength(_ input: UnsafeBufferPointer<UInt8>, at index: Int, quote: UInt8) -> Int? {
        guard index > 0, !isBlank(input[index - 1]), input[index - 1] != quote else { return nil }
        var position = index + 1
        var sawJoiner = false
        var sawSpace = false
        while position < input.count, position - index < 64 {
            let byte = input[position]
            if isBlank(byte) || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                sawSpace = true
            } else if !sawJoiner, byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") {
                sawJoiner = true
                if position + 1 < input.count, input[position + 1] == UInt8(ascii: ".") { position += 1 }
            } else {
                break
            }
            position += 1
        }
        guard position < input.count, input[position] == quote, sawJoiner || sawSpace,
            position + 1 < input.count, !isBlank(input[position + 1]), input[position + 1] != quote
        else { return nil }
        return position + 1 - index
    }

    private static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    // MARK: - Base64 and hex runs

    private static let base64Values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8.enumerated() {
            table[Int(byte)] = Int8(index)
        }
        table[Int(UInt8(ascii: "+"))] = 62
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "/"))] = 63
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Runs shorter than this are left alone.
    static let minimumRunLength = 20
    /// Longer runs are decoded in part only (their first this many characters).
    static let maximumRunLength = 1 << 20

    private static func decodeBase64Runs(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        base64Values.withUnsafeBufferPointer { values in
            ByteRuns.forEach(in: input, atLeast: minimumRunLength, of: { values[Int($0)] >= 0 }) { runStart, runCount in
                decodeBase64Run(input, runStart..<(runStart + runCount), &writer)
            }
        }
    }

    /// Decodes one maximal run of base64 characters, when it reads as text.
    private static func decodeBase64Run(_ input: UnsafeBufferPointer<UInt8>, _ run: Range<Int>, _ writer: inout LayerWriter) {
        let runStart = run.lowerBound
        let end = run.upperBound
        var standard = false
        var urlSafe = false
        for byte in input[run] {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "/"): standard = true
            case UInt8(ascii: "-"), UInt8(ascii: "_"): urlSafe = true
            default: break
            }
        }
        guard !(standard && urlSafe) else { return }
        let runLength = min(end - runStart, maximumRunLength)
        let length = runLength / 4 * 4
        // Most runs are random tokens: give up when the first 12 characters are not text.
        guard length >= minimumRunLength,
            let head = decodeBase64(UnsafeBufferPointer(rebasing: input[runStart..<(runStart + 12)])),
            head.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D || $0 >= 0x80 }),
            let decoded = decodeBase64(UnsafeBufferPointer(rebasing: input[runStart..<(runStart + length)]))
        else { return }
        // A final group of 2 or 3 characters (padding dropped) decodes to 1 or 2 bytes.
        let rest = runLength - length
        var tail: [UInt8] = []
        if rest >= 2, rest == end - runStart - length,
            let last = decodeBase64(UnsafeBufferPointer(rebasing: input[(runStart + length)..<end]), partial: true)
        {
            tail = last
        }
        guard looksLikeText(decoded + tail) else { return }
        writer.flush(upTo: runStart, from: input)
        writer.append(decoded, units: length / 4, derivedUnit: 3, originalUnit: 4)
        if !tail.isEmpty {
            var padding = 0
            while end + padding < input.count, padding < 2, input[end + padding] == UInt8(ascii: "=") { padding += 1 }
            writer.append(tail, units: 1, derivedUnit: tail.count, originalUnit: rest + padding)
        }
    }

    /// Decodes whole 4-character groups (or, with `partial`, one group of 2 or 3 characters);
    /// `nil` if a character is outside the alphabet.
    private static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>, partial: Bool = false) -> [UInt8]? {
        if partial {
            var value = 0
            for byte in text {
                let digit = base64Values[Int(byte)]
                guard digit >= 0 else { return nil }
                value = value << 6 | Int(digit)
            }
            switch text.count {
            case 2: return [UInt8(value >> 4 & 0xFF)]
            case 3: return [UInt8(value >> 10 & 0xFF), UInt8(value >> 2 & 0xFF)]
            default: return nil
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(text.count / 4 * 3)
        var group = 0
        while group + 4 <= text.count {
            var value = 0
            for offset in 0..<4 {
                let digit = base64Values[Int(text[group + offset])]
                guard digit >= 0 else { return nil }
                value = value << 6 | Int(digit)
            }
            output.append(UInt8(value >> 16))
            output.append(UInt8(value >> 8 & 0xFF))
            output.append(UInt8(value & 0xFF))
            group += 4
        }
        return output
    }

    private static func decodeHexRuns(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        Hex.values.withUnsafeBufferPointer { values in
            ByteRuns.forEach(in: input, atLeast: 32, of: { values[Int($0)] >= 0 }) { runStart, runCount in
                decodeHexRun(input, runStart..<(runStart + runCount), &writer)
            }
        }
    }

    /// Decodes one maximal run of hex digits, when it reads as text.
    private static func decodeHexRun(_ input: UnsafeBufferPointer<UInt8>, _ run: Range<Int>, _ writer: inout LayerWriter) {
        let runStart = run.lowerBound
        let length = min(run.count, maximumRunLength) / 2 * 2
        guard length >= 32, runStart == 0 || !ByteClass.isAlphanumeric(input[runStart - 1]) else { return }
        // Most runs are hashes: give up when the first 4 bytes are not text.
        let headIsText = stride(from: runStart, to: runStart + 8, by: 2).allSatisfy { pair in
            (0x20...0x7E).contains(Hex.value(of: input[pair])! << 4 | Hex.value(of: input[pair + 1])!)
        }
        guard headIsText else { return }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(length / 2)
        for pair in stride(from: runStart, to: runStart + length, by: 2) {
            decoded.append(UInt8(Hex.value(of: input[pair])! << 4 | Hex.value(of: input[pair + 1])!))
        }
        guard looksLikeText(decoded) else { return }
        writer.flush(upTo: runStart, from: input)
        writer.append(decoded, units: length / 2, derivedUnit: 1, originalUnit: 2)
    }

    /// Whether decoded bytes read as text: at least 8 bytes, nearly all printable ASCII, tabs,
    /// line breaks or UTF-8 — so random keys, hashes and images are not rescanned.
    static func looksLikeText(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        var printable = 0
        for byte in bytes where (0x20...0x7E).contains(byte) || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte >= 0x80 {
            printable += 1
        }
        let highBytes = bytes.reduce(0) { $0 + ($1 >= 0x80 ? 1 : 0) }
        return printable * 100 >= bytes.count * 95 && highBytes * 100 <= bytes.count * 30
    }

    // MARK: - Percent, JSON, HTML

    /// Decodes `%XX` escapes that give printable ASCII or a well-formed UTF-8 sequence
    /// (`%C3%A9`); others (`%AD` in `%ADMIN_PASSWORD%`) are left as written.
    private static func decodePercent(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        func escape(at index: Int) -> UInt8? {
            guard index + 2 < input.count, input[index] == UInt8(ascii: "%"), let high = Hex.value(of: input[index + 1]),
                let low = Hex.value(of: input[index + 2])
            else { return nil }
            return UInt8(high << 4 | low)
        }
        var index = 0
        while index + 2 < input.count {
            guard let first = escape(at: index) else {
                index += 1
                continue
            }
            var sequence = [first]
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
            guard expected > 0, sequence.count == expected else {
                index += 1
                continue
            }
            writer.flush(upTo: index, from: input)
            writer.append(sequence, units: 1, derivedUnit: sequence.count, originalUnit: 3 * sequence.count)
            index += 3 * sequence.count
        }
    }

    private static func decodeJSONEscapes(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        var index = 0
        while index + 1 < input.count {
            guard input[index] == UInt8(ascii: "\\") else {
                index += 1
                continue
            }
            let next = input[index + 1]
            var replacement: [UInt8]?
            var consumed = 2
            switch next {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): replacement = [next]
            case UInt8(ascii: "n"): replacement = [0x0A]
            case UInt8(ascii: "r"): replacement = [0x0D]
            case UInt8(ascii: "t"): replacement = [0x09]
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
                    replacement = Unicode.Scalar(value).map { Array(String($0).utf8) } ?? [0xEF, 0xBF, 0xBD]
                }
            default: break
            }
            guard let replacement else {
                index += 2
                continue
            }
            writer.flush(upTo: index, from: input)
            writer.append(replacement, units: 1, derivedUnit: replacement.count, originalUnit: consumed)
            index += consumed
        }
    }

    /// The code unit of a `\uXXXX` escape at `index` (a surrogate is returned as is).
    private static func unicodeEscape(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> UInt32? {
        guard index + 5 < input.count, input[index] == UInt8(ascii: "\\"), input[index + 1] == UInt8(ascii: "u") else { return nil }
        var value: UInt32 = 0
        for offset in 2..<6 {
            guard let digit = Hex.value(of: input[index + offset]) else { return nil }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    private static let namedEntities: [String: UInt8] = [
        "amp": UInt8(ascii: "&"), "lt": UInt8(ascii: "<"), "gt": UInt8(ascii: ">"), "quot": UInt8(ascii: "\""),
        "apos": UInt8(ascii: "'"), "nbsp": UInt8(ascii: " "), "sol": UInt8(ascii: "/"), "colon": UInt8(ascii: ":"),
        "equals": UInt8(ascii: "="), "commat": UInt8(ascii: "@"), "period": UInt8(ascii: "."), "lowbar": UInt8(ascii: "_"),
    ]

    private static func decodeHTML(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        var index = 0
        while index < input.count {
            guard input[index] == UInt8(ascii: "&"),
                let semicolon = input[index..<min(input.count, index + 12)].firstIndex(of: UInt8(ascii: ";"))
            else {
                index += 1
                continue
            }
            let body = input[(index + 1)..<semicolon]
            var replacement: [UInt8]?
            if body.first == UInt8(ascii: "#") {
                let digits = body.dropFirst()
                let hex = digits.first == UInt8(ascii: "x") || digits.first == UInt8(ascii: "X")
                let number = hex ? digits.dropFirst() : digits
                if !number.isEmpty, let value = UInt32(String(decoding: number, as: UTF8.self), radix: hex ? 16 : 10),
                    let scalar = Unicode.Scalar(value)
                {
                    replacement = Array(String(scalar).utf8)
                }
            } else if let byte = namedEntities[String(decoding: body, as: UTF8.self)] {
                replacement = [byte]
            }
            guard let replacement else {
                index += 1
                continue
            }
            writer.flush(upTo: index, from: input)
            writer.append(replacement, units: 1, derivedUnit: replacement.count, originalUnit: semicolon + 1 - index)
            index = semicolon + 1
        }
    }

    // MARK: - UTF-16

    private static func decodeUTF16(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        guard input.count >= 4 else { return }
        let littleEndian: Bool
        switch (input[0], input[1]) {
        case (0xFF, 0xFE): littleEndian = true
        case (0xFE, 0xFF): littleEndian = false
        default: return
        }
        writer.remove(2)
        var index = 2
        while index + 1 < input.count {
            let unit = littleEndian ? UInt16(input[index]) | UInt16(input[index + 1]) << 8 : UInt16(input[index]) << 8 | UInt16(input[index + 1])
            var consumed = 2
            var value = UInt32(unit)
            if (0xD800...0xDBFF).contains(unit), index + 3 < input.count {
                let low = littleEndian ? UInt16(input[index + 2]) | UInt16(input[index + 3]) << 8 : UInt16(input[index + 2]) << 8 | UInt16(input[index + 3])
                if (0xDC00...0xDFFF).contains(low) {
                    value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    consumed = 4
                }
            }
            let encoded = Unicode.Scalar(value).map { Array(String($0).utf8) } ?? [0xEF, 0xBF, 0xBD]
            writer.append(encoded, units: 1, derivedUnit: encoded.count, originalUnit: consumed)
            index += consumed
        }
        writer.copyRemaining(from: input, at: index)
    }
}

/// Builds a decoded layer: copies unchanged stretches lazily and records the map.
struct LayerWriter {
    var bytes: [UInt8] = []
    var map = LayerMap()
    /// How much of the input has been copied or consumed.
    private var consumed = 0

    /// The size the layer will roughly have, reserved on the first write: most messages decode
    /// nothing, and reserving a copy of each for every decoder up front costs page faults.
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Copies the input from where the writer stands up to `index`.
    mutating func flush(upTo index: Int, from input: UnsafeBufferPointer<UInt8>) {
        guard index > consumed else { return }
        if bytes.capacity == 0 { bytes.reserveCapacity(capacity) }
        bytes.append(contentsOf: input[consumed..<index])
        map.copy(index - consumed)
        consumed = index
    }

    /// Copies everything from `index` on.
    mutating func copyRemaining(from input: UnsafeBufferPointer<UInt8>, at index: Int) {
        guard index == consumed else { return }
        flush(upTo: input.count, from: input)
    }

    /// Appends decoded bytes that replace `units × originalUnit` input bytes.
    mutating func append(_ decoded: [UInt8], units: Int, derivedUnit: Int, originalUnit: Int) {
        if bytes.capacity == 0 { bytes.reserveCapacity(capacity) }
        bytes.append(contentsOf: decoded)
        map.decode(units: units, derivedUnit: derivedUnit, originalUnit: originalUnit)
        consumed += units * originalUnit
    }

    /// Drops `count` input bytes.
    mutating func remove(_ count: Int) {
        map.decode(units: 1, derivedUnit: 0, originalUnit: count)
        consumed += count
    }
}

extension Decoder {
    // MARK: - Unicode: look-alike characters folded

    /// Cyrillic and Greek letters that look like ASCII letters (Unicode's confusables for the
    /// Latin alphabet, the common ones), folded to the letter they imitate.
    static let homoglyphs: [UInt32: UInt8] = {
        let pairs: [(UInt32, Character)] = [
            // Cyrillic lower case
            (0x0430, "a"), (0x0435, "e"), (0x043E, "o"), (0x0440, "p"), (0x0441, "c"), (0x0443, "y"), (0x0445, "x"),
            (0x0455, "s"), (0x0456, "i"), (0x0458, "j"), (0x04BB, "h"), (0x04CF, "l"), (0x0501, "d"), (0x051B, "q"),
            (0x051D, "w"), (0x0432, "b"),
            // Cyrillic upper case
            (0x0410, "A"), (0x0412, "B"), (0x0415, "E"), (0x041A, "K"), (0x041C, "M"), (0x041D, "H"), (0x041E, "O"),
            (0x0420, "P"), (0x0421, "C"), (0x0422, "T"), (0x0423, "Y"), (0x0425, "X"), (0x0405, "S"), (0x0406, "I"),
            (0x0408, "J"), (0x051A, "Q"), (0x051C, "W"), (0x04C0, "I"),
            // Greek
            (0x0391, "A"), (0x0392, "B"), (0x0395, "E"), (0x0396, "Z"), (0x0397, "H"), (0x0399, "I"), (0x039A, "K"),
            (0x039C, "M"), (0x039D, "N"), (0x039F, "O"), (0x03A1, "P"), (0x03A4, "T"), (0x03A5, "Y"), (0x03A7, "X"),
            (0x03BF, "o"), (0x03B1, "a"), (0x03BD, "v"), (0x03B9, "i"), (0x03C1, "p"), (0x03C5, "u"), (0x03BA, "k"),
        ]
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.0, $0.1.asciiValue!) })
    }()

    /// Lead bytes of the characters the fold looks at.
    private static let foldTriggers: [Bool] = (0..<256).map { [0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xE3, 0xEF, 0xF0].contains($0) }

    /// The code point of the UTF-8 sequence at `index` and its length, or `nil` when malformed.
    static func scalar(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> (value: UInt32, length: Int)? {
        let lead = input[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0
        guard length > 0, index + length <= input.count else { return nil }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            let byte = input[index + offset]
            guard byte & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        return (value, length)
    }

    /// What NFKC makes of the compatibility characters used to disguise ASCII: fullwidth forms
    /// (U+FF01–U+FF5E), the ideographic space, and mathematical letters and digits
    /// (U+1D400–U+1D7FF). Returns the ASCII byte or `nil`.
    static func compatibilityFold(_ value: UInt32) -> UInt8? {
        switch value {
        case 0xFF01...0xFF5E: return UInt8(value - 0xFF01 + 0x21)
        case 0x3000: return 0x20
        case 0x1D400...0x1D6A3:
            let index = (value - 0x1D400) % 52
            return index < 26 ? UInt8(0x41 + index) : UInt8(0x61 + index - 26)
        case 0x1D7CE...0x1D7FF: return UInt8(0x30 + (value - 0x1D7CE) % 10)
        default: return nil
        }
    }

    /// The offset of the first byte at or after `start` that is not ASCII, or `input.count`.
    ///
    /// Thirty-two bytes are tested at once (four words, one test): most messages are ASCII
    /// throughout, and the decoder is then one pass over the message that finds nothing.
    static func nextNonASCII(_ input: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard let base = input.baseAddress else { return input.count }
        let raw = UnsafeRawPointer(base)
        var index = start
        while index &+ 32 <= input.count {
            let words = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: index &+ 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: index &+ 16, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: index &+ 24, as: UInt64.self)
            if words & 0x8080_8080_8080_8080 != 0 { break }
            index &+= 32
        }
        while index + 8 <= input.count {
            let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            index += 8
        }
        while index < input.count, input[index] < 0x80 { index += 1 }
        return index
    }

    /// Whether `value` is a combining diacritical mark (U+0300–U+036F).
    static func isCombiningMark(_ value: UInt32) -> Bool { (0x0300...0x036F).contains(value) }

    /// Folds look-alike characters to the ASCII they imitate, for matching only (the findings
    /// map back to the original bytes): compatibility forms always (as NFKC does); Cyrillic and
    /// Greek homoglyphs and combining marks only in a run that touches an ASCII letter or digit
    /// (`ghр_…` with a Cyrillic `р`, `AKIA` with a combining accent), so Russian or Greek prose
    /// is left alone.
    static func fold(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        var index = 0
        while index < input.count {
            // ASCII text (most of every message) is skipped eight bytes at a time.
            if pass == .prescanned { index = nextNonASCII(input, from: index) }
            guard index < input.count else { break }
            guard foldTriggers[Int(input[index])], let (value, length) = scalar(input, at: index) else {
                index += 1
                continue
            }
            if let ascii = compatibilityFold(value) {
                writer.flush(upTo: index, from: input)
                writer.append(DecodedBytes(byte: ascii), originalUnit: length)
                index += length
                continue
            }
            guard homoglyphs[value] != nil || isCombiningMark(value) else {
                index += length
                continue
            }
            // The run of homoglyphs and marks starting here, and whether it touches ASCII.
            var run: [(value: UInt32, start: Int, length: Int)] = [(value, index, length)]
            var end = index + length
            while end < input.count, input[end] >= 0xC2, let (next, nextLength) = scalar(input, at: end),
                homoglyphs[next] != nil || isCombiningMark(next)
            {
                run.append((next, end, nextLength))
                end += nextLength
            }
            let touchesASCII = (index > 0 && ByteClass.isAlphanumeric(input[index - 1])) || (end < input.count && ByteClass.isAlphanumeric(input[end]))
            if touchesASCII {
                writer.flush(upTo: index, from: input)
                for character in run {
                    if let ascii = homoglyphs[character.value] {
                        writer.append(DecodedBytes(byte: ascii), originalUnit: character.length)
                    } else {
                        writer.remove(character.length)
                    }
                }
            }
            index = end
        }
    }


    static func decodeUTF16(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
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
            writer.append(DecodedBytes(scalar: value) ?? .replacementCharacter, originalUnit: consumed)
            index += consumed
        }
        writer.copyRemaining(from: input, at: index)
    }
}

extension Decoder {
    // MARK: - Joined: invisible characters, terminal sequences and string seams

    /// The length of the default-ignorable code point starting at `index` (UTF-8), or 0.
    ///
    /// The set is Unicode's `Default_Ignorable_Code_Point` in the ranges text actually carries:
    /// soft hyphen U+00AD, combining grapheme joiner U+034F, Arabic letter mark U+061C, Hangul
    /// fillers U+115F, U+1160, U+3164, U+FFA0, Khmer vowels U+17B4–U+17B5, Mongolian selectors
    /// U+180B–U+180F, zero-width and direction marks U+200B–U+200F, embeddings and overrides
    /// U+202A–U+202E, word joiner and invisible operators U+2060–U+206F, variation selectors
    /// U+FE00–U+FE0F, the byte-order mark U+FEFF, shorthand format controls U+1BCA0–U+1BCA3,
    /// and tag characters and variation selectors supplement U+E0000–U+E0FFF.
    static func ignorableLength(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let count = input.count
        let a = input[index]
        guard a >= 0xC2, index + 1 < count else { return 0 }
        let b = input[index + 1]
        switch a {
        case 0xC2: return b == 0xAD ? 2 : 0
        case 0xCD: return b == 0x8F ? 2 : 0
        case 0xD8: return b == 0x9C ? 2 : 0
        default: break
        }
        guard index + 2 < count else { return 0 }
        let c = input[index + 2]
        switch (a, b) {
        case (0xE1, 0x85): return c == 0x9F || c == 0xA0 ? 3 : 0
        case (0xE1, 0x9E): return c == 0xB4 || c == 0xB5 ? 3 : 0
        case (0xE1, 0xA0): return (0x8B...0x8F).contains(c) ? 3 : 0
        case (0xE2, 0x80): return (0x8B...0x8F).contains(c) || (0xAA...0xAE).contains(c) ? 3 : 0
        case (0xE2, 0x81): return (0xA0...0xAF).contains(c) ? 3 : 0
        case (0xE3, 0x85): return c == 0xA4 ? 3 : 0
        case (0xEF, 0xB8): return (0x80...0x8F).contains(c) ? 3 : 0
        case (0xEF, 0xBB): return c == 0xBF ? 3 : 0
        case (0xEF, 0xBE): return c == 0xA0 ? 3 : 0
        default: break
        }
        guard index + 3 < count, (0x80...0xBF).contains(input[index + 3]) else { return 0 }
        if a == 0xF3, b == 0xA0, (0x80...0xBF).contains(c) { return 4 }
        if a == 0xF0, b == 0x9B, c == 0xB2, (0xA0...0xA3).contains(input[index + 3]) { return 4 }
        return 0
    }

    /// The length of an ANSI control sequence (`ESC [ … final`, or `ESC` and one byte) at
    /// `index`, or 0: coloured tool output puts one right before a token.
    static func terminalSequenceLength(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        guard input[index] == 0x1B, index + 1 < input.count else { return 0 }
        let next = input[index + 1]
        guard next == UInt8(ascii: "[") else { return (0x40...0x5F).contains(next) && next != UInt8(ascii: "]") ? 2 : 0 }
        var position = index + 2
        while position < input.count, position - index < 32, (0x30...0x3F).contains(input[position]) { position += 1 }
        while position < input.count, position - index < 32, (0x20...0x2F).contains(input[position]) { position += 1 }
        guard position < input.count, (0x40...0x7E).contains(input[position]) else { return 0 }
        return position + 1 - index
    }

    /// Bytes that may start an invisible character, a terminal sequence or a string seam.
    static let joinTriggers: [Bool] = (0..<256).map {
        [0x1B, 0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0, 0xF3].contains($0)
            || $0 == Int(UInt8(ascii: "\"")) || $0 == Int(UInt8(ascii: "'"))
    }

    /// Whether `byte` can belong to a token or its key: printable ASCII other than a blank.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool { (0x21...0x7E).contains(byte) }

    /// The offset of the first byte at or after `start` that may start an invisible character,
    /// a terminal sequence or a string seam (``joinTriggers``), or `input.count`.
    ///
    /// Sixteen bytes are looked at at once (``DecoderVectors/joinCandidates(_:)``): a block
    /// without `ESC`, a byte of 0xC2 or more, or a quote followed by a blank, a line break, `+`
    /// or `.` holds nothing the decoder changes. The reason for the quote's next byte: code
    /// holds a quote every few dozen bytes, nearly always followed by a letter, `,`, `)` or `:`,
    /// and looking at each in turn (the former eight-byte test stopped at every quote) made
    /// this decoder a pass over most bytes of code (#13, 3.6 % of a scan of real text).
    ///
    /// With `nibbleTables` (``joinClassTables``, where the processor has AVX2) the same candidates
    /// are read off 64-byte masks of three classes first (``NibbleClass``): the lead bytes and
    /// `ESC`, the quotes, and the bytes a seam starts with, shifted by one.
    @inline(__always)
    static func nextJoinTrigger(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, _ triggers: UnsafeBufferPointer<Bool>, _ vectors: DecoderVectors,
        nibbleTables: UnsafePointer<UInt8>? = nil
    ) -> Int {
        guard let base = input.baseAddress else { return input.count }
        let raw = UnsafeRawPointer(base)
        var index = start
        if let nibbleTables {
            // A block reads one byte past its end (the byte after a quote).
            while index &+ 65 <= input.count {
                let (leads, quotes, seamStarts) = NibbleClass.threeMasks64(raw + index, nibbleTables)
                let next = base[index &+ 64]
                let nextIsSeamStart = next <= 0x20 || next == UInt8(ascii: "+") || next == UInt8(ascii: ".")
                var candidates = leads | quotes & (seamStarts >> 1 | (nextIsSeamStart ? 1 << 63 : 0))
                while candidates != 0 {
                    let position = index &+ candidates.trailingZeroBitCount
                    if triggers[Int(base[position])] { return position }
                    candidates &= candidates &- 1
                }
                index &+= 64
            }
        }
        // A block reads one byte past its end (the byte after a quote).
        while index &+ 17 <= input.count {
            var candidates = vectors.joinCandidates(raw + index)
            while candidates != 0 {
                let position = index &+ candidates.trailingZeroBitCount
                // A byte of 0xC2 or more is a trigger only as the lead byte of the characters
                // the decoder removes.
                if triggers[Int(base[position])] { return position }
                candidates &= candidates &- 1
            }
            index &+= 16
        }
        while index < input.count {
            if triggers[Int(base[index])] { return index }
            index &+= 1
        }
        return input.count
    }

    /// The three classes ``nextJoinTrigger(_:from:_:_:nibbleTables:)`` reads with nibble tables:
    /// the triggers other than the quotes (`ESC` and the lead bytes), the quotes, and the bytes
    /// a seam starts with (a blank, a line break or another control byte, `+`, `.`).
    static let joinClassTables: [UInt8] = {
        guard let leads = NibbleClass({ joinTriggers[Int($0)] && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") }),
            let quotes = NibbleClass({ $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }),
            let seamStarts = NibbleClass({ $0 <= 0x20 || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ".") })
        else { preconditionFailure("the joined decoder's classes fit nibble tables") }
        return leads.tables + quotes.tables + seamStarts.tables
    }()

    static func join(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass, nibbles: Bool = NibbleClass.isAvailable) {
        joinTriggers.withUnsafeBufferPointer { triggers in
            joinClassTables.withUnsafeBufferPointer { tables in
                DecoderVectors.with { vectors in join(input, &writer, pass, triggers, vectors, nibbles ? tables.baseAddress : nil) }
            }
        }
    }

    /// The joined decoder with the triggers found in the input's block masks
    /// (``nextJoinTrigger(_:from:_:_:)``), made once for the decoders that read them.
    static func join(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ planes: DecoderMasks.Planes) {
        joinTriggers.withUnsafeBufferPointer { triggers in
            join(input, &writer, triggers) { nextJoinTrigger(input, from: $0, triggers, planes) }
        }
    }

    /// The offset of the first byte at or after `start` that may start an invisible character,
    /// a terminal sequence or a string seam, or `input.count`: the candidates
    /// ``nextJoinTrigger(_:from:_:_:nibbleTables:)`` reads with nibble tables, read off the
    /// input's block masks (a lead byte, or a quote before a seam's first byte; the byte after
    /// the last is taken for one), a word per block.
    @inline(__always)
    static func nextJoinTrigger(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, _ triggers: UnsafeBufferPointer<Bool>, _ planes: DecoderMasks.Planes
    ) -> Int {
        guard let base = input.baseAddress, start < input.count else { return input.count }
        let leads = planes.plane(.joinLeads)
        let quotes = planes.plane(.quotes)
        let seamStarts = planes.plane(.seamStarts)
        let blockCount = planes.blockCount
        @inline(__always) func candidates(_ block: Int) -> UInt64 {
            let next: UInt64 = block &+ 1 < blockCount ? seamStarts[block &+ 1] &<< 63 : 1 &<< 63
            return leads[block] | quotes[block] & (seamStarts[block] &>> 1 | next)
        }
        var block = start &>> 6
        var found = candidates(block) & (~UInt64(0) &<< UInt64(start & 63))
        while true {
            while found != 0 {
                let position = block &<< 6 &+ found.trailingZeroBitCount
                guard position < input.count else { return input.count }
                if triggers[Int(base[position])] { return position }
                found &= found &- 1
            }
            block &+= 1
            guard block < blockCount else { return input.count }
            found = candidates(block)
        }
    }

    private static func join(
        _ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass, _ triggers: UnsafeBufferPointer<Bool>,
        _ vectors: DecoderVectors, _ nibbleTables: UnsafePointer<UInt8>?
    ) {
        join(input, &writer, triggers) { index in
            pass == .everyByte ? index + 1 : nextJoinTrigger(input, from: index, triggers, vectors, nibbleTables: nibbleTables)
        }
    }

    /// The joined decoder, with `skip(index)` the offset to go on from after the byte at `index`,
    /// which is no trigger.
    @inline(__always)
    private static func join(
        _ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ triggers: UnsafeBufferPointer<Bool>, skip: (Int) -> Int
    ) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            guard triggers[Int(byte)] else {
                index = skip(index)
                continue
            }
            if byte == 0x1B, case let length = terminalSequenceLength(input, at: index), length > 0 {
                writer.flush(upTo: index, from: input)
                writer.remove(length)
                index += length
                continue
            }
            if byte >= 0xC2, case let first = ignorableLength(input, at: index), first > 0 {
                // A run of invisible characters is removed when it touches a token byte: inside
                // or next to a token it hides the token; between emoji (ZWJ sequences, variation
                // selectors) it is part of the text.
                var end = index + first
                while end < input.count, case let length = ignorableLength(input, at: end), length > 0 { end += length }
                let touchesToken = (index > 0 && isTokenByte(input[index - 1])) || (end < input.count && isTokenByte(input[end]))
                if touchesToken {
                    writer.flush(upTo: index, from: input)
                    writer.remove(end - index)
                }
                index = end
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
}

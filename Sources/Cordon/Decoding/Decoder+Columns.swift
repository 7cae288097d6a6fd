#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Decoder {
    // MARK: - Columns: a table's header as the context of its cells

    /// Words that make a column header worth repeating before its cells: the names of values
    /// whose detectors need a context word (lower case, matched inside the header). Values that
    /// stand alone (e-mail addresses, IBANs, card numbers with their Luhn digit, IP addresses)
    /// need no header, and repeating it would only make the engine rescan the table.
    static let columnTypeWords: [[UInt8]] = [
        "ssn", "social", "phone", "tel", "mobile", "cell", "fax", "dob", "birth", "born", "pass", "pwd", "secret",
        "token", "key", "auth", "credential", "sin", "nino", "nhs", "passport", "tax", "tin", "aadhaar", "routing",
    ].map { Array($0.utf8) }

    /// The fewest bytes a cell must hold to be given its header: a value worth a context word
    /// (a six-digit phone number, a short password) is at least this long.
    static let minimumCellLength = 6

    /// The longest header cell repeated.
    static let maximumHeaderLength = 40

    /// One line's cells: their ranges (quotes kept, blanks trimmed), split on `delimiter`
    /// outside double quotes.
    private static func cells(_ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, delimiter: UInt8) -> [Range<Int>] {
        var result: [Range<Int>] = []
        forEachCell(input, line, delimiter: delimiter) { _, cell in result.append(cell) }
        return result
    }

    /// Calls `body` with the column and range of each of a line's cells, in order, as
    /// ``cells(_:_:delimiter:)`` gives them.
    ///
    /// The reason for a walk without an array: every row of a table was split into an array
    /// of its cells, grown cell by cell — ~3,000 instructions a row of the dense corpus's tables,
    /// a third of the decoder's cost there (#13, callgrind).
    @inline(__always)
    static func forEachCell(
        _ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, delimiter: UInt8, _ body: (_ column: Int, _ cell: Range<Int>) -> Void
    ) {
        @inline(__always) func trimmed(_ low: Int, _ high: Int) -> Range<Int> {
            var low = low
            var high = high
            while low < high, isBlank(input[low]) || input[low] == 0x0D { low += 1 }
            while high > low, isBlank(input[high - 1]) || input[high - 1] == 0x0D { high -= 1 }
            return low..<high
        }
        var start = line.lowerBound
        var quoted = false
        var column = 0
        var index = line.lowerBound
        while index < line.upperBound {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if byte == delimiter, !quoted {
                body(column, trimmed(start, index))
                column += 1
                start = index + 1
            }
            index += 1
        }
        body(column, trimmed(start, line.upperBound))
    }

    /// A header cell's text (quotes dropped) when it is a column name: letters, digits, `_`,
    /// `-`, `.`, `#` and at most two blanks, at most ``maximumHeaderLength`` bytes.
    private static func columnName(_ input: UnsafeBufferPointer<UInt8>, _ cell: Range<Int>) -> [UInt8]? {
        var text = Array(input[cell])
        if text.count >= 2, text.first == UInt8(ascii: "\""), text.last == UInt8(ascii: "\"") { text = Array(text.dropFirst().dropLast()) }
        guard !text.isEmpty, text.count <= maximumHeaderLength, text.contains(where: ByteClass.isLetter),
            text.allSatisfy({
                ByteClass.isLetter($0) || ByteClass.isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
                    || $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "#")
            }),
            text.reduce(0, { $0 + ($1 == UInt8(ascii: " ") ? 1 : 0) }) <= 2
        else { return nil }
        return text
    }

    /// Whether a column name names a type of value.
    private static func isTyped(_ name: [UInt8]) -> Bool {
        name.withUnsafeBufferPointer { containsTypeWord($0, 0..<$0.count) }
    }

    /// Whether a type word (``columnTypeWords``) occurs in `input[range]`, ignoring case.
    ///
    /// The reason for a test on the bytes: lines shaped like a header with a row below them
    /// (rows of a CSV file or of a log) are common, and splitting each into cells, copying and
    /// lowercasing every cell's name to look for the type words allocated several arrays per
    /// line (#13). A line without a type word cannot be a typed header, so it is left at once;
    /// the words are looked for only where their first two letters stand (``typeWordPairs``:
    /// one bit test a byte, where trying the words of the first letter cost ~1,200 instructions
    /// a header-shaped line of real text, callgrind).
    private static func containsTypeWord(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        typeWordIndex.firsts.withUnsafeBufferPointer { firsts in
            typeWordIndex.bytes.withUnsafeBufferPointer { bytes in
                typeWordIndex.bounds.withUnsafeBufferPointer { bounds in
                    typeWordPairs.withUnsafeBufferPointer { pairs in
                        var index = range.lowerBound
                        // Every word is at least three letters long: none starts at the last two bytes.
                        while index &+ 2 < range.upperBound {
                            let letter = Int(ByteClass.lowercased(input[index]))
                            let pair = letter << 8 | Int(ByteClass.lowercased(input[index &+ 1]))
                            guard pairs[pair >> 6] & (1 << UInt64(pair & 63)) != 0 else {
                                index &+= 1
                                continue
                            }
                            // The words starting with this letter: bounds[firsts[letter] ..< firsts[letter + 1]].
                            var word = firsts[letter]
                            while word < firsts[letter + 1] {
                                let (start, end) = bounds[word]
                                if index + end - start <= range.upperBound {
                                    var offset = 1
                                    while start + offset < end, ByteClass.lowercased(input[index + offset]) == bytes[start + offset] { offset += 1 }
                                    if start + offset == end { return true }
                                }
                                word += 1
                            }
                            index += 1
                        }
                        return false
                    }
                }
            }
        }
    }

    /// The first two letters of the type words, lower case, as a set of 65,536 bits (bit
    /// `first << 8 | second`).
    private static let typeWordPairs: [UInt64] = {
        var bits = [UInt64](repeating: 0, count: 1024)
        for word in columnTypeWords {
            precondition(word.count >= 3, "a type word is at least three letters long")
            let pair = Int(word[0]) << 8 | Int(word[1])
            bits[pair >> 6] |= 1 << UInt64(pair & 63)
        }
        return bits
    }()

    /// The type words as one byte array grouped by first letter: each word's bounds in `bytes`,
    /// and for each byte value the first word starting with it (the words starting with `b` are
    /// `firsts[b] ..< firsts[b + 1]`), so that the test reads no nested array and tries only
    /// the words that can start where it stands.
    private static let typeWordIndex: (bytes: [UInt8], bounds: [(Int, Int)], firsts: [Int]) = {
        let sorted = columnTypeWords.enumerated().sorted { ($0.element[0], $0.offset) < ($1.element[0], $1.offset) }.map(\.element)
        var bytes: [UInt8] = []
        var bounds: [(Int, Int)] = []
        for word in sorted {
            bounds.append((bytes.count, bytes.count + word.count))
            bytes += word
        }
        let firsts = (0...256).map { byte in sorted.firstIndex { Int($0[0]) >= byte } ?? sorted.count }
        return (bytes, bounds, firsts)
    }()

    /// Bytes a header line may hold: name bytes, quotes, blanks and delimiters.
    private static let headerBytes: [Bool] = (0..<256).map { byte in
        let value = UInt8(byte)
        return ByteClass.isLetter(value) || ByteClass.isDigit(value) || "_-# \t\",;|\r".utf8.contains(value)
    }

    /// The delimiter and its count when `line` has the shape of a header line, in one pass that
    /// most lines leave within a few bytes: only ``headerBytes``, at most two words per cell
    /// (a blank after a letter or digit starts a new word), a delimiter at least once.
    ///
    /// The reason for the shape test: prose wrapped without its period passes the byte test,
    /// and splitting and matching every such line against the type words cost more than the
    /// rest of the decoders together on real text.
    private static func headerShape(_ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> (UInt8, Int)? {
        headerBytes.withUnsafeBufferPointer { allowed in
            var counts = (comma: 0, tab: 0, semicolon: 0, bar: 0)
            var wordsInCell = 0
            var previous: UInt8 = 0
            var index = line.lowerBound
            while index < line.upperBound {
                let byte = input[index]
                guard allowed[Int(byte)] else { return nil }
                switch byte {
                case UInt8(ascii: ","): counts.comma += 1; wordsInCell = 0
                case 0x09: counts.tab += 1; wordsInCell = 0
                case UInt8(ascii: ";"): counts.semicolon += 1; wordsInCell = 0
                case UInt8(ascii: "|"): counts.bar += 1; wordsInCell = 0
                case UInt8(ascii: " "):
                    if ByteClass.isAlphanumeric(previous) {
                        wordsInCell += 1
                        if wordsInCell > 2 { return nil }
                    }
                default: break
                }
                previous = byte
                index += 1
            }
            // The most frequent delimiter, the first in this order on a tie; without an array,
            // which every line of one or two words allocated here.
            var best: (UInt8, Int) = (UInt8(ascii: ","), counts.comma)
            if counts.tab > best.1 { best = (0x09, counts.tab) }
            if counts.semicolon > best.1 { best = (UInt8(ascii: ";"), counts.semicolon) }
            if counts.bar > best.1 { best = (UInt8(ascii: "|"), counts.bar) }
            return best.1 > 0 ? best : nil
        }
    }

    /// How often `delimiter` occurs in `line`.
    private static func count(of delimiter: UInt8, in input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Int {
        var result = 0
        var index = line.lowerBound
        while index < line.upperBound {
            if input[index] == delimiter { result += 1 }
            index += 1
        }
        return result
    }

    /// Whether a line is a Markdown table's separator row (`|---|:--:|`).
    private static func isSeparatorRow(_ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        input[line].allSatisfy { $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ":") || isBlank($0) || $0 == 0x0D }
            && input[line].contains(UInt8(ascii: "-"))
    }

    /// Repeats a table's typed column headers before each of their cells (`ssn,name` over
    /// `512 47 3081,Ann` reads `ssn: 512 47 3081,Ann` in this layer), so a detector whose
    /// value needs a context word finds it in a column whose header names the value, however
    /// far below the header the row is.
    ///
    /// A table is a header line whose cells are short names, at least one naming a type of
    /// value (``columnTypeWords``), followed by lines with the same number of the same
    /// delimiter (comma, tab, semicolon or `|`; a Markdown separator row is skipped). The
    /// inserted text maps to no original bytes; the cell's bytes are copied unchanged.
    ///
    /// Outside a table, ``Pass/prescanned`` looks only at the lines that may be a header, found
    /// 64 bytes at a time (``nextHeaderCandidate(_:from:)``); inside one, and with
    /// ``Pass/everyByte`` (the tests' reference) everywhere, each line is walked in turn
    /// (``walkLine(_:from:_:)``).
    static func repeatColumnHeaders(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        repeatColumnHeaders(input, &writer, pass) { nextHeaderCandidate(input, from: $0) }
    }

    /// ``repeatColumnHeaders(_:_:_:)`` with the lines that may be a header read off the input's
    /// block masks (``DecoderMasks``), made once for the decoders that read them.
    static func repeatColumnHeaders(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ planes: DecoderMasks.Planes) {
        repeatColumnHeaders(input, &writer, .prescanned) { nextHeaderCandidate(input, from: $0, planes) }
    }

    /// The decoder, with `nextCandidate(start)` the first line at or after `start` that may be
    /// a header (``nextHeaderCandidate(_:from:nibbles:)``), read only with ``Pass/prescanned``.
    @inline(__always)
    private static func repeatColumnHeaders(
        _ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass, nextCandidate: (Int) -> Range<Int>?
    ) {
        headerByteKinds.withUnsafeBufferPointer { kinds in
            var table: ColumnTable?
            var lineStart = 0
            while lineStart < input.count {
                let line: Range<Int>
                let mayBeHeader: Bool
                if table == nil, pass == .prescanned {
                    // Outside a table a line that cannot be a header changes nothing: pass over it.
                    guard let candidate = nextCandidate(lineStart) else { return }
                    (line, mayBeHeader) = (candidate, true)
                } else {
                    (line, mayBeHeader) = walkLine(input, from: lineStart, kinds)
                }
                takeLine(input, line, mayBeHeader: mayBeHeader, &table, &writer)
                lineStart = line.upperBound + 1
            }
        }
    }

    /// A recognised table: its delimiter, how many delimiters each row holds, and for each
    /// column the text inserted before its cells (a typed header and `": "`), or `nil`.
    ///
    /// The reason for an array of the finished insertions: each cell given its header looked
    /// the header up in a dictionary and joined it with `": "` into a new array (#13, callgrind).
    private typealias ColumnTable = (delimiter: UInt8, count: Int, insertions: [[UInt8]?])

    /// For each byte: 0 when a header line cannot hold it, 2 for a delimiter (`,`, tab, `;`,
    /// `|`), 1 for the other bytes of ``headerBytes``.
    private static let headerByteKinds: [UInt8] = (0..<256).map { byte in
        guard headerBytes[byte] else { return 0 }
        return ",\t;|".utf8.contains(UInt8(byte)) ? 2 : 1
    }

    /// The line starting at `lineStart` (its line feed excluded), and whether it is made wholly
    /// of header bytes with a delimiter.
    ///
    /// The line is walked only as far as its first byte a header cannot hold (a line break is
    /// one): most lines of code and prose hold one within a few bytes, and the rest of such a
    /// line is passed over with `memchr`.
    private static func walkLine(
        _ input: UnsafeBufferPointer<UInt8>, from lineStart: Int, _ kinds: UnsafeBufferPointer<UInt8>
    ) -> (line: Range<Int>, mayBeHeader: Bool) {
        let base = input.baseAddress!
        var stop = lineStart
        var kindsSeen: UInt8 = 0
        while stop < input.count, case let kind = kinds[Int(input[stop])], kind != 0 {
            kindsSeen |= kind
            stop += 1
        }
        let lineEnd: Int
        if stop == input.count || input[stop] == 0x0A {
            lineEnd = stop
        } else {
            lineEnd = memchr(base + stop, 0x0A, input.count - stop).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? input.count
        }
        return (lineStart..<lineEnd, stop == lineEnd && kindsSeen & 2 != 0)
    }

    /// The first line at or after `start` (the first byte of a line) that may be a header, or
    /// `nil` when there is none: a line ended by a line feed, with a delimiter, without any of
    /// the bytes ``HeaderLineMasks`` marks. Every line ``walkLine(_:from:_:)`` says may be a header
    /// (made wholly of header bytes, with a delimiter) is among them, and no row follows a last
    /// line without a line feed, so it is no header; the others are refused by the header's
    /// shape test (``headerShape(_:_:)``), as the walk would have refused them.
    ///
    /// Each 64-byte block is classified once (``HeaderLineMasks``), and its lines are told
    /// apart with one addition (``HeaderLineMasks/Lines/candidate(_:at:in:)``). The reason: a walk
    /// to each line's first byte a header cannot hold and a `memchr` to its end were ~7 % of a
    /// scan of ordinary text (#13, perf), and most lines are no candidate at all. The marked
    /// bytes are the most frequent of the bytes no header holds, not all of them, and the
    /// delimiter is looked for only in the lines without one: an exact test of every byte took
    /// twice the vector instructions per block. On the 50 MB of real text (1.2 M lines, 4.7 % of
    /// them made of header bytes with a delimiter, 4.8 % candidates) the decoder takes 25 ms
    /// where the walk takes 38 ms, and 34 ms with the exact test (micro-benchmark, same process).
    ///
    /// With `nibbles` (the default where the processor has AVX2) the blocks are classified with
    /// nibble tables (``HeaderLineMasks/init(_:nibbleTables:)``): the same masks, and on real text
    /// the decoder takes 12.6 M instructions per 3.4 MB where the SSE2 thresholds took 18.1 M
    /// (callgrind).
    static func nextHeaderCandidate(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, nibbles: Bool = NibbleClass.isAvailable
    ) -> Range<Int>? {
        if nibbles {
            return HeaderLineMasks.nibbleTables.withUnsafeBufferPointer { tables in
                let tables = tables.baseAddress!
                return nextHeaderCandidate(input, from: start) { HeaderLineMasks($0, nibbleTables: tables) }
            }
        }
        return nextHeaderCandidate(input, from: start) { HeaderLineMasks($0) }
    }

    /// ``nextHeaderCandidate(_:from:nibbles:)`` with the masks of each block read off the
    /// input's block masks (``DecoderMasks/Plane/headerMarks``, ``DecoderMasks/Plane/lineFeeds``):
    /// the same masks, the bytes past the input's end read as line feeds as there.
    @inline(__always)
    static func nextHeaderCandidate(_ input: UnsafeBufferPointer<UInt8>, from start: Int, _ planes: DecoderMasks.Planes) -> Range<Int>? {
        guard let base = input.baseAddress, start < input.count else { return nil }
        let count = input.count
        let marks = planes.plane(.headerMarks)
        let lineFeeds = planes.plane(.lineFeeds)
        var lines = HeaderLineMasks.Lines(from: start)
        var block = start
        while block &+ 64 <= count {
            let masks = HeaderLineMasks(others: planes.window(marks, at: block), lineFeeds: planes.window(lineFeeds, at: block))
            if let line = lines.candidate(masks, at: block, in: base) { return line }
            block &+= 64
        }
        guard block < count else { return nil }
        // The last bytes, followed by line feeds to fill the block (a line feed is marked too).
        let filling: UInt64 = ~0 &<< UInt64(count &- block)
        let masks = HeaderLineMasks(
            others: planes.window(marks, at: block) | filling, lineFeeds: planes.window(lineFeeds, at: block) | filling)
        guard let line = lines.candidate(masks, at: block, in: base), line.upperBound < count else { return nil }
        return line
    }

    /// ``nextHeaderCandidate(_:from:nibbles:)`` with the masks of each block given by `masksAt`.
    @inline(__always)
    private static func nextHeaderCandidate(
        _ input: UnsafeBufferPointer<UInt8>, from start: Int, _ masksAt: (UnsafeRawPointer) -> HeaderLineMasks
    ) -> Range<Int>? {
        guard let base = input.baseAddress, start < input.count else { return nil }
        let count = input.count
        var lines = HeaderLineMasks.Lines(from: start)
        var block = start
        while block &+ 64 <= count {
            if let line = lines.candidate(masksAt(UnsafeRawPointer(base + block)), at: block, in: base) { return line }
            block &+= 64
        }
        guard block < count else { return nil }
        // The last bytes, followed by line feeds to fill the block: the filling lines are
        // empty, and a last line without its own line feed ends at `count` and is left.
        // Copied with `memcpy`: lane by lane, through the stack, the copy cost more than the
        // block's masks (perf, real text, where decoded layers make many short inputs).
        var filled = SIMD64<UInt8>(repeating: 0x0A)
        let masks = withUnsafeMutableBytes(of: &filled) { tail in
            tail.baseAddress!.copyMemory(from: base + block, byteCount: count &- block)
            return masksAt(UnsafeRawPointer(tail.baseAddress!))
        }
        guard let line = lines.candidate(masks, at: block, in: base), line.upperBound < count else { return nil }
        return line
    }

    /// One line of the message: a row of the current table (its cells given their headers), or
    /// else, when `mayBeHeader`, perhaps the header of a new table.
    private static func takeLine(
        _ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, mayBeHeader: Bool, _ table: inout ColumnTable?,
        _ writer: inout LayerWriter
    ) {
        guard let base = input.baseAddress else { return }
        let lineEnd = line.upperBound
        if let current = table {
            if isSeparatorRow(input, line) { return }
            if Self.count(of: current.delimiter, in: input, line) == current.count, !line.isEmpty {
                forEachCell(input, line, delimiter: current.delimiter) { column, cell in
                    guard cell.count >= minimumCellLength, column < current.insertions.count, let insertion = current.insertions[column]
                    else { return }
                    writer.flush(upTo: cell.lowerBound, from: input)
                    writer.insert(insertion)
                }
                return
            }
            table = nil
        }
        // A header line: short, shaped like one, followed by a row with as many delimiters,
        // and with a typed cell. Most lines of code and prose fail the shape within a few bytes.
        // The type words are looked for last: lines shaped like a header with a row below
        // are rarer than lines shaped like one, and the search cost ~1,300 instructions a
        // line where counting the next line's delimiters costs a few per byte (#13, callgrind
        // on real text: 4.5 M → 2.4 M instructions in `containsTypeWord`).
        guard mayBeHeader, line.count >= 3, line.count <= 1024, let (delimiter, count) = headerShape(input, line), lineEnd < input.count
        else { return }
        let nextEnd = memchr(base + lineEnd + 1, 0x0A, input.count - lineEnd - 1).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? input.count
        var next = (lineEnd + 1)..<nextEnd
        if isSeparatorRow(input, next), nextEnd < input.count {
            let afterEnd = memchr(base + nextEnd + 1, 0x0A, input.count - nextEnd - 1).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? input.count
            next = (nextEnd + 1)..<afterEnd
        }
        guard Self.count(of: delimiter, in: input, next) == count, containsTypeWord(input, line) else { return }
        let headerCells = cells(input, line, delimiter: delimiter)
        var insertions = [[UInt8]?](repeating: nil, count: headerCells.count)
        var anyTyped = false
        for (column, cell) in headerCells.enumerated() where !cell.isEmpty {
            guard let name = columnName(input, cell) else { return }
            if isTyped(name) {
                insertions[column] = name + Array(": ".utf8)
                anyTyped = true
            }
        }
        if anyTyped { table = (delimiter, count, insertions) }
    }
}

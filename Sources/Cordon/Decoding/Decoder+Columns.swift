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

    /// The cell delimiters of CSV, TSV, semicolon-separated files and Markdown tables.
    private static let delimiters: [UInt8] = [UInt8(ascii: ","), 0x09, UInt8(ascii: ";"), UInt8(ascii: "|")]

    /// One line's cells: their ranges (quotes kept, blanks trimmed), split on `delimiter`
    /// outside double quotes.
    private static func cells(_ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, delimiter: UInt8) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = line.lowerBound
        var quoted = false
        var index = line.lowerBound
        func trimmed(_ range: Range<Int>) -> Range<Int> {
            var low = range.lowerBound
            var high = range.upperBound
            while low < high, isBlank(input[low]) || input[low] == 0x0D { low += 1 }
            while high > low, isBlank(input[high - 1]) || input[high - 1] == 0x0D { high -= 1 }
            return low..<high
        }
        while index < line.upperBound {
            let byte = input[index]
            if byte == UInt8(ascii: "\"") {
                quoted.toggle()
            } else if byte == delimiter, !quoted {
                result.append(trimmed(start..<index))
                start = index + 1
            }
            index += 1
        }
        result.append(trimmed(start..<line.upperBound))
        return result
    }

    /// The delimiter of a header line: the one of ``delimiters`` it holds most often, if any.
    private static func delimiter(of input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> (UInt8, Int)? {
        var counts = [0, 0, 0, 0]
        for byte in input[line] {
            switch byte {
            case UInt8(ascii: ","): counts[0] += 1
            case 0x09: counts[1] += 1
            case UInt8(ascii: ";"): counts[2] += 1
            case UInt8(ascii: "|"): counts[3] += 1
            default: break
            }
        }
        guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 else { return nil }
        return (delimiters[best], counts[best])
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
        let lower = name.map(ByteClass.lowercased)
        return columnTypeWords.contains(where: { lower.firstRange(of: $0) != nil })
    }

    /// Bytes a header line may hold: name bytes, quotes, blanks and delimiters.
    private static let headerBytes: [Bool] = (0..<256).map { byte in
        let value = UInt8(byte)
        return ByteClass.isLetter(value) || ByteClass.isDigit(value) || "_-.# \t\",;|\r".utf8.contains(value)
    }

    /// Whether every byte of `line` may be part of a header line.
    private static func isHeaderCandidate(_ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Bool {
        headerBytes.withUnsafeBufferPointer { allowed in
            var index = line.lowerBound
            while index < line.upperBound {
                guard allowed[Int(input[index])] else { return false }
                index += 1
            }
            return true
        }
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
    static func repeatColumnHeaders(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter) {
        guard let base = input.baseAddress else { return }
        var lineStart = 0
        var table: (delimiter: UInt8, count: Int, headers: [Int: [UInt8]])?
        while lineStart < input.count {
            let lineEnd = memchr(base + lineStart, 0x0A, input.count - lineStart).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? input.count
            let line = lineStart..<lineEnd
            defer { lineStart = lineEnd + 1 }
            if let current = table {
                if isSeparatorRow(input, line) { continue }
                let count = input[line].reduce(0) { $0 + ($1 == current.delimiter ? 1 : 0) }
                if count == current.count, !line.isEmpty {
                    let rowCells = cells(input, line, delimiter: current.delimiter)
                    for (column, cell) in rowCells.enumerated() where cell.count >= minimumCellLength {
                        guard let header = current.headers[column] else { continue }
                        writer.flush(upTo: cell.lowerBound, from: input)
                        writer.insert(header + Array(": ".utf8))
                    }
                    continue
                }
                table = nil
            }
            // A header line: short, only name bytes and delimiters, with a delimiter and a typed cell.
            // Most lines of code and prose fail the byte test within their first few bytes.
            guard line.count >= 3, line.count <= 1024, isHeaderCandidate(input, line),
                let (delimiter, count) = delimiter(of: input, line)
            else { continue }
            var headers: [Int: [UInt8]] = [:]
            var allNames = true
            for (column, cell) in cells(input, line, delimiter: delimiter).enumerated() where !cell.isEmpty {
                guard let name = columnName(input, cell) else {
                    allNames = false
                    break
                }
                if isTyped(name) { headers[column] = name }
            }
            if allNames, !headers.isEmpty { table = (delimiter, count, headers) }
        }
    }
}

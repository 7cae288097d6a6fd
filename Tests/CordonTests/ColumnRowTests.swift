import Testing

@testable import Cordon

/// Issue #13: the columns decoder splits a table's rows into cells without an array
/// (``Decoder/forEachCell(_:_:delimiter:_:)``) and inserts each typed column's finished text
/// (`ssn: `). The cells must be those of a plain split outside quotes, and the layer the one
/// the header-before-cell rule gives.
@Suite("Columns decoder: rows split without an array, headers inserted as before")
struct ColumnRowTests {
    /// A plain split of `line` on `delimiter` outside double quotes, each cell trimmed of
    /// blanks and carriage returns: the reference.
    static func referenceCells(_ line: [UInt8], delimiter: UInt8) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var start = 0
        var quoted = false
        for (index, byte) in line.enumerated() {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            if byte == delimiter, !quoted, byte != UInt8(ascii: "\"") {
                pieces.append(start..<index)
                start = index + 1
            }
        }
        pieces.append(start..<line.count)
        let trims: Set<UInt8> = [0x20, 0x09, 0x0D]
        return pieces.map { piece in
            var low = piece.lowerBound
            var high = piece.upperBound
            while low < high, trims.contains(line[low]) { low += 1 }
            while high > low, trims.contains(line[high - 1]) { high -= 1 }
            return low..<high
        }
    }

    static func cells(_ line: [UInt8], delimiter: UInt8) -> [Range<Int>] {
        line.withUnsafeBufferPointer { input in
            var result: [Range<Int>] = []
            Decoder.forEachCell(input, 0..<input.count, delimiter: delimiter) { column, cell in
                #expect(column == result.count)
                result.append(cell)
            }
            return result
        }
    }

    @Test("Random lines of delimiters, quotes, blanks and letters: the cells of a plain split, in order, for every delimiter")
    func randomLines() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("ab,;|\t \"\r".utf8)
        for _ in 0..<3_000 {
            let line = (0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            for delimiter in Array(",;|\t".utf8) {
                #expect(Self.cells(line, delimiter: delimiter) == Self.referenceCells(line, delimiter: delimiter), "\(line)")
            }
        }
    }

    @Test("The empty line is one empty cell; a line of one delimiter two")
    func emptyLines() {
        #expect(Self.cells([], delimiter: UInt8(ascii: ",")) == [0..<0])
        #expect(Self.cells(Array(",".utf8), delimiter: UInt8(ascii: ",")) == [0..<0, 1..<1])
    }

    /// The columns layer of `text`, or `nil` when it changes nothing; both passes agree.
    static func layer(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        var copy = text
        return copy.withUTF8 { input in
            let skipping = Decoder.columns.decode(input, pass: .prescanned)
            let reference = Decoder.columns.decode(input, pass: .everyByte)
            #expect(skipping?.bytes == reference?.bytes, sourceLocation: sourceLocation)
            return skipping.map { String(decoding: $0.bytes, as: UTF8.self) }
        }
    }

    @Test("A typed column's cells of minimum − 1, minimum and minimum + 1 bytes: the header stands before the last two only")
    func cellLengthsAroundTheMinimum() {
        let minimum = Decoder.minimumCellLength
        let short = String(repeating: "7", count: minimum - 1)
        let exact = String(repeating: "8", count: minimum)
        let long = String(repeating: "9", count: minimum + 1)
        let text = "name,ssn\nAnn,\(short)\nBob,\(exact)\nCy,\(long)\n"
        #expect(Self.layer(text) == "name,ssn\nAnn,\(short)\nBob,ssn: \(exact)\nCy,ssn: \(long)\n")
    }

    @Test("Several typed columns, an untyped one, quoted cells, a separator row, and a row whose quoted delimiter leaves it one cell short")
    func tablesOfEveryShape() {
        #expect(
            Self.layer("phone;name;password\n5550001234;Ann Lee;hunter2hunter\n")
                == "phone;name;password\nphone: 5550001234;Ann Lee;password: hunter2hunter\n")
        #expect(
            Self.layer("| ssn | name |\n|---|---|\n| 512-47-3081 | Ann |\n")
                == "| ssn | name |\n|---|---|\n| ssn: 512-47-3081 | Ann |\n")
        // Two commas as the header has, one of them quoted: two cells, the first typed.
        #expect(Self.layer("ssn,name,x\n\"512,473081\",Annabel\nend\n") == "ssn,name,x\nssn: \"512,473081\",Annabel\nend\n")
        // A row with another count of delimiters ends the table.
        #expect(Self.layer("ssn,name\n512473081,Ann\n1,2,3\n512473082,Bob\n") == "ssn,name\nssn: 512473081,Ann\n1,2,3\n512473082,Bob\n")
        // A header cell that is no name: no table.
        #expect(Self.layer("ssn,na:me\n512473081,Ann\n") == nil)
    }
}

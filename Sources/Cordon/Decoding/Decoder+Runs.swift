extension Decoder {
    // MARK: - Base64 and hex runs

    static let base64Values: [Int8] = {
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
    /// The shortest line of a wrapped base64 block whose line break is joined.
    static let minimumWrappedLine = 40

    /// The base64 and base64url alphabets (``base64Values``) as nibble tables.
    static let base64Class: NibbleClass = {
        guard let members = NibbleClass({ base64Values[Int($0)] >= 0 }) else { preconditionFailure("the base64 alphabet fits nibble tables") }
        return members
    }()

    /// The hex digits and separators (``hexRunMembers``) as nibble tables.
    static let hexRunClass: NibbleClass = {
        guard let members = NibbleClass({ hexRunMembers[Int($0)] }) else { preconditionFailure("the hex run members fit nibble tables") }
        return members
    }()

    /// Finds the maximal runs of at least ``minimumRunLength`` base64 characters and decodes
    /// those that read as text.
    ///
    /// With ``Pass/prescanned`` (reached only without AVX2: with it ``decode(_:pass:masks:)``
    /// reads the shared block masks) the runs are read off sixteen-byte masks (``MaskedRuns``,
    /// ``DecoderVectors/base64MemberBits(_:)``); with ``Pass/everyByte`` by the probing walk
    /// (``ByteRuns/forEach(in:atLeast:of:_:)`` with a closure), the tests' reference.
    static func decodeBase64Runs(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        decodeBase64Runs(input, &writer) { values, decodeRun in
            if pass == .everyByte {
                ByteRuns.forEach(in: input, atLeast: minimumRunLength, of: { values[Int($0)] >= 0 }, decodeRun)
                return
            }
            DecoderVectors.with { vectors in
                MaskedRuns.forEach(
                    in: input, atLeast: minimumRunLength, mask16: { vectors.base64MemberBits($0) }, isMember: { values[Int($0)] >= 0 },
                    decodeRun)
            }
        }
    }

    /// ``decodeBase64Runs(_:_:_:)`` with the runs read off the input's block masks
    /// (``DecoderMasks/Plane/base64``, made once for the decoders that read them) through their
    /// rows of whole aligned quads (``PlaneRuns``): a run of 20 holds four in a row.
    static func decodeBase64Runs(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ planes: DecoderMasks.Planes) {
        decodeBase64Runs(input, &writer) { _, decodeRun in
            PlaneRuns.forEach(in: planes.plane(.base64), count: input.count, atLeast: minimumRunLength, decodeRun)
        }
    }

    /// Decodes the runs `findRuns` reports (it is given the alphabet's values and the decoding
    /// of one maximal run, to call with each run's start and length, in order).
    @inline(__always)
    private static func decodeBase64Runs(
        _ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter,
        findRuns: (_ values: UnsafeBufferPointer<Int8>, _ decodeRun: (_ start: Int, _ length: Int) -> Void) -> Void
    ) {
        base64Values.withUnsafeBufferPointer { values in
            // The end of the last decoded run, when it ended a line of whole 4-character groups:
            // the next line then continues the same data (`base64` wraps at 76 columns, PEM at
            // 64), and the line break between them is dropped so a value that straddles it is whole.
            var wrappedLineEnd: Int?
            func decodeRun(_ runStart: Int, _ runCount: Int) {
                var lineBreak = 0
                if let end = wrappedLineEnd {
                    if end + 1 == runStart, input[end] == 0x0A { lineBreak = 1 }
                    if end + 2 == runStart, input[end] == 0x0D, input[end + 1] == 0x0A { lineBreak = 2 }
                }
                wrappedLineEnd = nil
                let decoded = decodeBase64Run(input, runStart..<(runStart + runCount), joiningLineBreak: lineBreak, values, &writer)
                if decoded, runCount >= minimumWrappedLine, runCount % 4 == 0, runCount <= maximumRunLength {
                    wrappedLineEnd = runStart + runCount
                }
            }
            findRuns(values, decodeRun)
        }
    }

    /// Decodes one maximal run of base64 characters, when it reads as text; `lineBreak` bytes
    /// before it are removed when it is decoded. Returns whether it was decoded.
    private static func decodeBase64Run(
        _ input: UnsafeBufferPointer<UInt8>, _ run: Range<Int>, joiningLineBreak lineBreak: Int, _ values: UnsafeBufferPointer<Int8>,
        _ writer: inout LayerWriter
    ) -> Bool {
        let runStart = run.lowerBound
        let end = run.upperBound
        let runLength = min(end - runStart, maximumRunLength)
        let length = runLength / 4 * 4
        // Most runs are identifiers and random tokens: give up when the first 12 characters do
        // not decode to text, before looking at the rest of the run (#13: this order, and no
        // array for the head, halved the decoder's cost on real text).
        guard length >= minimumRunLength, headIsText(input, at: runStart, values) else { return false }
        // A final group of 2 or 3 characters (padding dropped) decodes to 1 or 2 bytes.
        let rest = runLength - length
        let tailLength = rest >= 2 && rest == end - runStart - length ? rest : 0
        // The text count first: it gives up within a few groups on most runs, where the test of
        // the alphabets reads the whole run (a conjunction of the two, in either order).
        guard decodesToText(input, runStart, length, tailLength, values) else { return false }
        var standard = false
        var urlSafe = false
        for byte in input[run] {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "/"): standard = true
            case UInt8(ascii: "-"), UInt8(ascii: "_"): urlSafe = true
            default: break
            }
        }
        guard !(standard && urlSafe),
            let decoded = decodeBase64(UnsafeBufferPointer(rebasing: input[runStart..<(runStart + length)]))
        else { return false }
        var tail: [UInt8] = []
        if rest >= 2, rest == end - runStart - length,
            let last = decodeBase64(UnsafeBufferPointer(rebasing: input[(runStart + length)..<end]), partial: true)
        {
            tail = last
        }
        guard looksLikeText(decoded, followedBy: tail) else { return false }
        writer.flush(upTo: runStart - lineBreak, from: input)
        if lineBreak > 0 { writer.remove(lineBreak) }
        writer.append(decoded, units: length / 4, derivedUnit: 3, originalUnit: 4)
        if !tail.isEmpty {
            var padding = 0
            while end + padding < input.count, padding < 2, input[end + padding] == UInt8(ascii: "=") { padding += 1 }
            writer.append(tail, units: 1, derivedUnit: tail.count, originalUnit: rest + padding)
        }
        return true
    }

    /// Whether the `length` characters at `start` (whole groups) and the `tailLength` after
    /// them (a last group of 2 or 3, or none) decode to bytes that read as text
    /// (``looksLikeText(_:followedBy:)``), counted without building the decoded bytes and given
    /// up on as soon as the non-text or high bytes exceed what the rule allows.
    ///
    /// The reason: one run in five whose first 12 characters decode to text is an identifier,
    /// a path or a key that decodes to bytes of 0x80 and more (which the head test lets pass as
    /// UTF-8); decoding each into an array to count its bytes once was a third of the decoder's
    /// cost on real text after its run pass (#13, callgrind). The decoded bytes are still
    /// counted by ``looksLikeText(_:followedBy:)`` before they are used: the same rule.
    private static func decodesToText(
        _ input: UnsafeBufferPointer<UInt8>, _ start: Int, _ length: Int, _ tailLength: Int, _ values: UnsafeBufferPointer<Int8>
    ) -> Bool {
        let total = length / 4 * 3 + (tailLength == 0 ? 0 : tailLength - 1)
        guard total >= 8 else { return false }
        // The rule: at least 95 % text or high bytes, at most 30 % high bytes.
        let allowedOther = total * 5 / 100
        let allowedHigh = total * 30 / 100
        var other = 0
        var high = 0
        @inline(__always) func tally(_ byte: Int) {
            if byte >= 0x80 {
                high &+= 1
            } else if !((0x20...0x7E).contains(byte) || byte == 0x09 || byte == 0x0A || byte == 0x0D) {
                other &+= 1
            }
        }
        var group = start
        while group < start &+ length {
            var value = 0
            for offset in 0..<4 { value = value << 6 | Int(values[Int(input[group &+ offset])]) }
            tally(value >> 16)
            tally(value >> 8 & 0xFF)
            tally(value & 0xFF)
            if other > allowedOther || high > allowedHigh { return false }
            group &+= 4
        }
        if tailLength > 0 {
            var value = 0
            for offset in 0..<tailLength { value = value << 6 | Int(values[Int(input[group &+ offset])]) }
            if tailLength == 2 {
                tally(value >> 4 & 0xFF)
            } else {
                tally(value >> 10 & 0xFF)
                tally(value >> 2 & 0xFF)
            }
        }
        return other <= allowedOther && high <= allowedHigh
    }

    /// Whether the 12 base64 characters at `start` decode to 9 bytes of text (printable ASCII,
    /// tab, line breaks, or bytes of UTF-8 sequences), without building the decoded bytes.
    private static func headIsText(_ input: UnsafeBufferPointer<UInt8>, at start: Int, _ values: UnsafeBufferPointer<Int8>) -> Bool {
        @inline(__always) func isText(_ byte: Int) -> Bool {
            (0x20...0x7E).contains(byte) || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte >= 0x80
        }
        for group in 0..<3 {
            var value = 0
            for offset in 0..<4 {
                let digit = values[Int(input[start + group * 4 + offset])]
                guard digit >= 0 else { return false }
                value = value << 6 | Int(digit)
            }
            guard isText(value >> 16), isText(value >> 8 & 0xFF), isText(value & 0xFF) else { return false }
        }
        return true
    }

    /// Decodes whole 4-character groups (or, with `partial`, one group of 2 or 3 characters);
    /// `nil` if a character is outside the alphabet.
    static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>, partial: Bool = false) -> [UInt8]? {
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

    /// Hex digits and the separators of hex pairs (`:`, `-`, `,`, blank).
    static let hexRunMembers: [Bool] = (0..<256).map {
        Hex.values[$0] >= 0 || $0 == Int(UInt8(ascii: ":")) || $0 == Int(UInt8(ascii: "-")) || $0 == Int(UInt8(ascii: ","))
            || $0 == Int(UInt8(ascii: " "))
    }

    /// The fewest pairs of a separated hex run (`41:4b:…`): 16, more than a MAC or IPv6 address.
    static let minimumSeparatedPairs = 16

    /// ``decodeHexRuns(_:_:_:)`` with the runs read off the input's block masks
    /// (``DecoderMasks/Plane/hexRun``, made once for the decoders that read them) through their
    /// whole aligned 16-byte chunks (``PlaneRuns``): a run of 32 holds one.
    static func decodeHexRuns(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ planes: DecoderMasks.Planes) {
        PlaneRuns.forEach(in: planes.plane(.hexRun), count: input.count, atLeast: 32) { runStart, runCount in
            decodeHexStretch(input, runStart..<(runStart + runCount), &writer)
        }
    }

    /// Finds the maximal runs of at least 32 ``hexRunMembers`` and decodes what they hold.
    ///
    /// With ``Pass/prescanned`` (reached only without AVX2: with it ``decode(_:pass:masks:)``
    /// reads the shared block masks) the runs are found from whole 16-byte tiles of members
    /// (``TiledRuns``, ``DecoderVectors/hexMembers(_:)``: a run of 32 covers one); with
    /// ``Pass/everyByte`` by the probing walk
    /// (``ByteRuns/forEach(in:atLeast:of:_:)`` with a closure: a byte in every 32 looked at,
    /// then the bytes around a member), the reference the tests compare the masks against.
    static func decodeHexRuns(_ input: UnsafeBufferPointer<UInt8>, _ writer: inout LayerWriter, _ pass: Pass) {
        hexRunMembers.withUnsafeBufferPointer { members in
            if pass == .everyByte {
                ByteRuns.forEach(in: input, atLeast: 32, of: { members[Int($0)] }) { runStart, runCount in
                    decodeHexStretch(input, runStart..<(runStart + runCount), &writer)
                }
                return
            }
            DecoderVectors.with { vectors in
                TiledRuns.forEach(in: input, atLeast: 32, members16: { vectors.hexMembers($0) }, isMember: { members[Int($0)] }) {
                    runStart, runCount in
                    decodeHexStretch(input, runStart..<(runStart + runCount), &writer)
                }
            }
        }
    }

    /// Decodes the plain hex runs of at least 32 digits and the separated runs of at least 16
    /// pairs inside one maximal run of hex digits and separators.
    private static func decodeHexStretch(_ input: UnsafeBufferPointer<UInt8>, _ stretch: Range<Int>, _ writer: inout LayerWriter) {
        var index = stretch.lowerBound
        while index < stretch.upperBound {
            guard Hex.values[Int(input[index])] >= 0 else {
                index += 1
                continue
            }
            var digitsEnd = index
            while digitsEnd < stretch.upperBound, Hex.values[Int(input[digitsEnd])] >= 0 { digitsEnd += 1 }
            if digitsEnd - index >= 32 {
                decodeHexRun(input, index..<digitsEnd, &writer)
                index = digitsEnd
            } else if digitsEnd - index == 2, let end = separatedRunEnd(input, from: index, limit: stretch.upperBound) {
                decodeSeparatedHex(input, index..<end, &writer)
                index = end
            } else {
                index = digitsEnd
            }
        }
    }

    /// The end of a run of hex pairs with one separator throughout, starting at `start`, if it
    /// has at least ``minimumSeparatedPairs`` pairs.
    private static func separatedRunEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Int? {
        guard start + 2 < limit else { return nil }
        let separator = input[start + 2]
        guard Hex.values[Int(separator)] < 0 else { return nil }
        var pairs = 1
        var position = start + 2
        while position + 2 < limit, input[position] == separator, Hex.values[Int(input[position + 1])] >= 0,
            Hex.values[Int(input[position + 2])] >= 0, position + 3 >= limit || Hex.values[Int(input[position + 3])] < 0
        {
            pairs += 1
            position += 3
        }
        return pairs >= minimumSeparatedPairs ? position : nil
    }

    /// Decodes a run of separated hex pairs when it reads as text.
    private static func decodeSeparatedHex(_ input: UnsafeBufferPointer<UInt8>, _ run: Range<Int>, _ writer: inout LayerWriter) {
        guard run.lowerBound == 0 || !ByteClass.isAlphanumeric(input[run.lowerBound - 1]) else { return }
        var decoded: [UInt8] = []
        decoded.reserveCapacity((run.count + 1) / 3)
        for pair in stride(from: run.lowerBound, to: run.upperBound, by: 3) {
            decoded.append(UInt8(Hex.value(of: input[pair])! << 4 | Hex.value(of: input[pair + 1])!))
        }
        guard looksLikeText(decoded) else { return }
        writer.flush(upTo: run.lowerBound, from: input)
        // Each pair but the last is 3 bytes with its separator.
        writer.append(Array(decoded.dropLast()), units: decoded.count - 1, derivedUnit: 1, originalUnit: 3)
        writer.append([decoded.last!], units: 1, derivedUnit: 1, originalUnit: 2)
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
}

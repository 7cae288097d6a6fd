/// Finding the maximal runs of ASCII digits in a message, eight bytes at a time, and the digit
/// group each belongs to.
///
/// The digit-shaped detectors (phones, cards, national ids) are gated by digit runs, and ordinary
/// text holds thousands of runs per megabyte — line numbers, years, ports, constants. Looking at
/// one byte at a time for each run length cost more than the runs themselves; here a whole
/// 64-bit word is classified with a few integer operations (SWAR: SIMD within a register), words
/// without a digit — most of them — are passed over whole, and only words holding a digit are
/// looked at byte by byte.
///
/// A *digit group* is a maximal stretch of digits in which each gap between two runs is 1 to
/// ``maximumGap`` bytes of ``separators`` (`RunGate.groupDigits` documents it for detector
/// authors). A phone or card number is one group of ten digits or more; most runs of ordinary
/// text stand in groups of one to four digits, which the detectors' `group` gates drop before
/// PCRE2 is called.
enum DigitRuns {
    /// The longest gap between two runs of one group.
    static let maximumGap = 3

    /// The bytes a gap inside a group is made of: space, tab, CR, LF, `.`, `-`, `/`, `(`, `)`
    /// and the two bytes of a UTF-8 no-break space.
    static let separators: ByteSet = {
        var set = ByteSet()
        for byte in Array(" \t\r\n.-/()".utf8) + [0xC2, 0xA0] { set.insert(byte) }
        return set
    }()

    /// The high bit of each byte of `word` that is an ASCII digit, every other bit clear.
    ///
    /// Carry-free: with the high bits cleared, adding 0x46 sets a byte's high bit exactly when
    /// it is above `9` (0x39), adding 0x50 exactly when it is at least `0` (0x30), and neither
    /// sum leaves its byte. Bytes with the high bit set (UTF-8 continuation and lead bytes) are
    /// never digits.
    @inline(__always)
    static func digitMask(_ word: UInt64) -> UInt64 {
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        let aboveNine = low &+ 0x4646_4646_4646_4646
        let atLeastZero = low &+ 0x5050_5050_5050_5050
        return atLeastZero & ~aboveNine & ~word & 0x8080_8080_8080_8080
    }

    /// Calls `body` with the start and length of every maximal run of digits in `text`, in order.
    @inline(__always)
    static func forEach(in text: UnsafeBufferPointer<UInt8>, _ body: (_ start: Int, _ length: Int) -> Void) {
        guard let base = text.baseAddress else { return }
        let count = text.count
        let raw = UnsafeRawPointer(base)
        var index = 0
        var runStart = -1  // the start of the run that is open at `index`, or -1
        while index &+ 8 <= count {
            let mask = digitMask(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)))
            if mask == 0 {
                if runStart >= 0 {
                    body(runStart, index &- runStart)
                    runStart = -1
                }
            } else if mask == 0x8080_8080_8080_8080 {
                if runStart < 0 { runStart = index }
            } else {
                // Byte `lane` of the word is a digit when bit 8 × lane + 7 of the mask is set.
                var lane = 0
                while lane < 8 {
                    let isDigit = (mask >> UInt64(lane &* 8 &+ 7)) & 1 != 0
                    if isDigit {
                        if runStart < 0 { runStart = index &+ lane }
                    } else if runStart >= 0 {
                        body(runStart, index &+ lane &- runStart)
                        runStart = -1
                    }
                    lane &+= 1
                }
            }
            index &+= 8
        }
        while index < count {
            if ByteClass.isDigit(base[index]) {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                body(runStart, index &- runStart)
                runStart = -1
            }
            index &+= 1
        }
        if runStart >= 0 { body(runStart, count &- runStart) }
    }

    /// Whether the bytes from `end` (the end of one run) to `start` (the start of the next) join
    /// the two runs into one group.
    @inline(__always)
    static func joins(_ text: UnsafeBufferPointer<UInt8>, from end: Int, to start: Int) -> Bool {
        guard start &- end <= maximumGap else { return false }
        var index = end
        while index < start {
            guard separators.contains(text[index]) else { return false }
            index &+= 1
        }
        return true
    }
}

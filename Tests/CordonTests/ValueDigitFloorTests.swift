import CordonTestSupport
import Testing

@testable import Cordon

/// A search whose values could not hold as many digits as the detector's validators need is not
/// run (``ValueDigitFloor``); the searches it passes over are run after all when a later search
/// could start inside their matches.
@Suite("Value digit floor: searches no validated value can come from are passed over")
struct ValueDigitFloorTests {
    /// Whether `bytes[range]` holds `count` digits within `span` consecutive bytes, the plain way.
    static func referenceHolds(_ count: Int, within span: Int, in bytes: [UInt8], _ range: Range<Int>) -> Bool {
        let digits = range.filter { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
        guard digits.count >= count else { return false }
        return (0...(digits.count - count)).contains { digits[$0 + count - 1] - digits[$0] < span }
    }

    /// Digits, their neighbours `/` and `:`, letters, blanks, and bytes that are not UTF-8.
    static func randomBytes(count: Int, digitShare: Int, generator: inout SeededGenerator) -> [UInt8] {
        let others: [UInt8] = Array("/:aZ -.(".utf8) + [0x80, 0xC3, 0xFF, 0x00]
        return (0..<count).map { _ in
            Int.random(in: 0..<100, using: &generator) < digitShare
                ? UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &generator) : others.randomElement(using: &generator)!
        }
    }

    @Test("Digits within a span: every range (empty, block edges 16 and 64 ±1), counts and spans, against a byte-by-byte reference")
    func holdsMatchesTheReference() {
        var generator = SeededGenerator(seed: 18)
        for digitShare in [5, 30, 90] {
            let bytes = Self.randomBytes(count: 150, digitShare: digitShare, generator: &generator)
            bytes.withUnsafeBufferPointer { text in
                for lower in 0...bytes.count {
                    for upper in lower...bytes.count where upper - lower <= 20 || (upper - lower) % 7 == 0 || [63, 64, 65, 127, 128, 129].contains(upper - lower) {
                        for (count, span) in [(1, 1), (2, 1), (2, 2), (6, 6), (6, 16), (6, 75), (9, 11), (12, 200)] {
                            let expected = Self.referenceHolds(count, within: span, in: bytes, lower..<upper)
                            #expect(
                                DigitCount.holds(count, within: span, in: text, lower..<upper) == expected,
                                "\(digitShare)% digits, \(lower)..<\(upper), \(count) within \(span)")
                        }
                    }
                }
            }
        }
    }

    @Test("Digits within a span: N digits exactly span bytes apart hold, span + 1 apart do not, at every offset across block edges")
    func holdsAtTheSpanEdge() {
        for count in [1, 6, 12] {
            for span in [count, 16, 75] where span >= count {
                for offset in 0..<70 {
                    // `count` digits, the first and the last `span - 1` bytes apart, in 200 blanks.
                    for gap in [span - 1, span] where count > 1 || gap == span - 1 {
                        var bytes = [UInt8](repeating: UInt8(ascii: " "), count: 200)
                        bytes[offset] = UInt8(ascii: "7")
                        for index in 1..<count { bytes[offset + gap - (count - 1 - index)] = UInt8(ascii: "7") }
                        let expected = gap < span
                        bytes.withUnsafeBufferPointer { text in
                            #expect(DigitCount.holds(count, within: span, in: text, 0..<200) == expected, "\(count) \(span) \(offset) \(gap)")
                            #expect(DigitCount.holds(count, within: span, in: text, offset..<(offset + gap + 1)) == expected)
                            // One digit fewer in the range: never.
                            #expect(!DigitCount.holds(count, within: span, in: text, (offset + 1)..<200))
                        }
                    }
                }
            }
        }
    }

    /// A value each validator with a digit minimum accepts that holds exactly that many digits.
    static func valueWithFewestDigits(_ validator: Validator) -> String? {
        // The last digit is brute-forced where it is a check digit.
        func completed(_ prefix: String) -> String? {
            (0...9).lazy.map { "\(prefix)\($0)" }.first { validator.validate($0) }
        }
        switch validator {
        case .luhn: return completed("41111111111")
        case .usSSN: return "512-47-3081"
        case .usITIN: return "912-50-1234"
        case .ukNINO: return "AB 12 34 56 C"
        case .nhsMod11: return "943 476 5919"
        case .abaRouting: return "011000015"
        case .caSIN: return completed("13045428")
        case .aadhaarVerhoeff: return completed("23412341234")
        case .phoneNumber: return "87 47 98"
        case .ibanMod97, .githubChecksum, .jwt, .base58Check, .bech32, .eip55: return nil
        }
    }

    @Test("Each validator's minimum digits: a value with exactly that many passes, none with one fewer does (random values)", arguments: Validator.allCases)
    func minimumDigitsIsExact(_ validator: Validator) throws {
        let minimum = validator.minimumDigits
        guard let value = Self.valueWithFewestDigits(validator) else {
            #expect(minimum == 0)
            return
        }
        #expect(validator.validate(value), "\(validator)")
        #expect(value.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count == minimum, "\(validator)")
        // Values with fewer digits, among the bytes these validators read: separators, letters
        // (prefixes, suffixes, extensions), a +, brackets.
        var generator = SeededGenerator(seed: UInt64(minimum) &* 7919)
        let others = Array(" -./()+xABCDabc".utf8)
        for _ in 0..<3_000 {
            let digits = Int.random(in: 0..<minimum, using: &generator)
            var bytes = (0..<digits).map { _ in UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &generator) }
            bytes += (0..<Int.random(in: 0...8, using: &generator)).map { _ in others.randomElement(using: &generator)! }
            bytes.shuffle(using: &generator)
            // Also the accepted value with one digit dropped.
            #expect(!bytes.withUnsafeBufferPointer { validator.validate($0) }, "\(validator)")
        }
        var shorter = Array(value.utf8)
        shorter.remove(at: try #require(shorter.lastIndex { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }))
        #expect(!shorter.withUnsafeBufferPointer { validator.validate($0) }, "\(validator)")
    }

    @Test("The value's reach: the longest match, unless a capturing group lies inside a lookaround", arguments: [
        ("(?<![0-9])([0-9]{3}-[0-9]{4})(?![0-9])", 8 as Int?),
        ("(?<=(ab))c", nil),
        ("c(?=(de))", nil),
        ("c(?=(?<name>de))", nil),
        ("c(?=(?P<name>de))", nil),
        ("c(?=(?'name'de))", nil),
        ("c(?=(?:de|f))(g)", 2),
        ("(?<=(?:ab))(c)(?!(?:d|e))", 1),
        ("(?x) a (?<!b) (c{1,3}) # note (with a bracket)", 4),
        ("(a)\\1", nil),
        ("a+", nil),
    ])
    func valueReach(pattern: String, expected: Int?) {
        #expect(RequiredRun.valueReach(pattern: pattern) == expected, "\(pattern)")
    }

    @Test("phone-contextual's floor: 6 digits (the phone validator's fewest) within its longest match")
    func phoneContextualFloor() throws {
        let engine = try Engine(DetectorSet.builtIn())
        let phone = try #require(engine.compiled.first { $0.id == "phone-contextual" })
        let detector = try #require(engine.detectors.first { $0.id == "phone-contextual" })
        let floor = try #require(phone.digitFloor)
        #expect(floor.digits == Validator.phoneNumber.minimumDigits)
        #expect(floor.reach == RequiredRun.longestMatch(pattern: detector.pattern))
        // A detector whose value can be accepted before the validators (a provider prefix with a
        // placeholder body) has none.
        #expect(ValueDigitFloor.of(validators: [.phoneNumber], reach: 7, acceptsBeforeValidation: true) == nil)
        #expect(ValueDigitFloor.of(validators: [.jwt], reach: 7, acceptsBeforeValidation: false) == nil)
        #expect(ValueDigitFloor.of(validators: [.phoneNumber], reach: nil, acceptsBeforeValidation: false) == nil)
        let both = ValueDigitFloor.of(validators: [.phoneNumber, .luhn], reach: 7, acceptsBeforeValidation: false)
        #expect(both?.digits == 12 && both?.reach == 7)
        // The reach is read (at build time for the built-in set) only for detectors that need digits.
        #expect(PatternAnalysis(detector, window: Engine.keywordWindow, startStepsReach: CompiledDetector.startStepsReach).valueReach == floor.reach)
    }

    @Test("A search admits a value of exactly N digits ending at its last byte a match can reach; not N - 1, not one byte further")
    func admitsAtTheWindowEdge() {
        let floor = ValueDigitFloor(digits: 6, reach: 20)
        for from in [0, 1, 15, 16, 17, 63, 64, 65] {
            for startLimit in from..<(from + 40) {
                // Six digits, the last at startLimit + reach - 1: the last byte a value reaches.
                for (shift, digits, expected) in [(0, 6, true), (1, 6, false), (0, 5, false)] {
                    var bytes = [UInt8](repeating: UInt8(ascii: "-"), count: 200)
                    let last = startLimit + floor.reach - 1 + shift
                    for index in 0..<digits where last - index < bytes.count { bytes[last - index] = UInt8(ascii: "4") }
                    bytes.withUnsafeBufferPointer { text in
                        #expect(floor.admits(text, from: from, startLimit: startLimit) == expected, "\(from) \(startLimit) \(shift) \(digits)")
                    }
                }
            }
        }
        // Nothing to search: an empty range, or a text that ends before any byte.
        [UInt8]("123456".utf8).withUnsafeBufferPointer { text in
            #expect(floor.admits(text, from: 0, startLimit: 0))
            #expect(!floor.admits(text, from: 6, startLimit: 6))
            #expect(!floor.admits(text, from: 1, startLimit: 1))
        }
    }

    @Test("A phone value of exactly the validator's fewest digits alone near a phone word, at every distance on either side, is found as the reference finds it; one digit fewer is not")
    func fewestDigitsAtEveryDistance() throws {
        let engine = try Engine(DetectorSet(DetectorSet.builtIn().detectors.filter { $0.id == "phone-contextual" }))
        let filler = String(repeating: "filler text, ", count: 20)
        var found = 0
        for (value, reported) in [("87 47 98", true), ("87 47 9", false)] {
            for gap in 0...40 {
                let blanks = String(repeating: " ", count: gap)
                for text in [filler + value + blanks + "call" + filler, filler + "call" + blanks + value + "." + filler] {
                    let fast = engine.scan(text)
                    #expect(fast == engine.referenceScan(text), "\(text)")
                    #expect(fast.findings.isEmpty || reported)
                    found += fast.findings.count
                }
            }
        }
        // Within the 32-byte context window on each side.
        #expect(found >= 2 * 25)
    }

    @Test("A passed-over search whose rejected match runs past the next search's start is run first: the next search resumes after it, as the reference scan does")
    func postponedSearchMovesTheNextStart() throws {
        // `x` and letters with up to four digits is a match the SSN validator rejects; nine
        // digits not after a digit, one it accepts. The first keyword's window holds only five
        // of the digits within the pattern's reach (45 bytes), so it is passed over; the second
        // keyword's window starts inside its match, where "123456789" begins after a letter. The
        // reference scan consumes "xkw…1234" first and finds nothing.
        let yaml = detectorYAML(
            id: "test-nine-digits", pattern: "x[a-z]{0,40}[0-9]{0,4}|(?<![0-9])([0-9]{9})",
            extra: "    keyword_distance: 40\n    validators: [us_ssn]",
            examples: "['123456789 kw', 'a 512473081 kw']", negatives: "['x1234 56789']"
        ).replacingOccurrences(of: "keywords: [tok_]", with: "keywords: [kw]")
        let engine = try Engine(DetectorSet(DetectorSet.parse(yaml: yaml, file: "nine.yaml")))
        let compiled = try #require(engine.compiled.first)
        #expect(compiled.digitFloor?.digits == 9)
        #expect(compiled.digitFloor?.reach == 45)
        let pad = String(repeating: " ", count: 60)
        let letters = String(repeating: "ab", count: 19)
        for second in 55...90 {
            // `x` at 60, `kw` at 61, 38 letters, the digits at 101…109, a second `kw`.
            let text = pad + "x" + "kw" + letters + "123456789" + String(repeating: " ", count: second - 50) + "kw" + pad
            let fast = engine.scan(text)
            #expect(fast == engine.referenceScan(text), "second keyword \(second) bytes after x")
        }
        // The same digits on their own are found.
        #expect(engine.scan(pad + "123456789 kw" + pad).findings.count == 1)
    }

    @Test("Phone words among digits, separators and filler, values at the windows' edges: the fast scan equals the reference scan")
    func phoneContextualAgainstTheReference() throws {
        let engine = try Engine(DetectorSet(DetectorSet.builtIn().detectors.filter { $0.id == "phone-contextual" }))
        var generator = SeededGenerator(seed: 1_318)
        let pieces = [
            "call ", "message ", "office: ", "Tel: ", "ring me ", "phone ", "12 ", "345 ", "6789 ", "(0)", "+44 ", "-", ".", "/",
            "87 47 98 ", "650-752-7354x549 ", "06-72314856 ", "2024-05-01 ", "10.20.30.40 ", "1234567 ", "12345 ", "\n",
            String(repeating: "filler text ", count: 3), String(repeating: "x", count: 40), "\u{00E9}", "\\n",
        ]
        var found = 0
        for round in 0..<400 {
            var text = ""
            for _ in 0..<Int.random(in: 1...60, using: &generator) { text += pieces.randomElement(using: &generator)! }
            if round % 3 == 0 {
                // A value with exactly the validator's fewest digits, just before a phone word at
                // the window's far edge, and the same with one digit fewer.
                text += "87 47 98" + String(repeating: " ", count: Int.random(in: 20...40, using: &generator)) + "call"
                text += String(repeating: " y", count: 60) + "87 47 9" + String(repeating: " ", count: 30) + "call"
            }
            let fast = engine.scan(text)
            #expect(fast == engine.referenceScan(text), "\(text)")
            found += fast.findings.count
        }
        #expect(found > 100)
    }

    @Test("Searches passed over and run later as their resume points matter: random texts, every digit detector, fast scan equals reference scan")
    func digitDetectorsAgainstTheReference() throws {
        let all = try DetectorSet.builtIn()
        let engine = try Engine(DetectorSet(all.detectors.filter { detector in
            detector.validators.contains { $0.minimumDigits > 0 }
        }))
        #expect(engine.compiled.contains { $0.digitFloor != nil })
        var generator = SeededGenerator(seed: 77)
        let words = ["call", "ssn", "social security", "aadhaar", "itin", "tax id", "nhs", "patient", "card", "visa", "routing"]
        for _ in 0..<300 {
            var text = ""
            for _ in 0..<Int.random(in: 1...40, using: &generator) {
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: text += words.randomElement(using: &generator)! + " "
                case 1: text += String(decoding: Self.randomBytes(count: Int.random(in: 1...30, using: &generator), digitShare: 60, generator: &generator).filter { $0 < 0x80 && $0 != 0 }, as: UTF8.self)
                case 2: text += ["512-47-3081", "912 50 1234", "2341 2341 2346", "943 476 5919", "4111 1111 1111 1111", "87 47 98"].randomElement(using: &generator)! + " "
                default: text += String(repeating: "word ", count: Int.random(in: 1...12, using: &generator))
                }
            }
            #expect(engine.scan(text) == engine.referenceScan(text), "\(text)")
        }
    }
}

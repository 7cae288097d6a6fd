import CordonTestSupport
import Testing

@testable import Cordon

/// Generated digit-run text — numbers grouped with every separator the digit-shaped detectors
/// accept and some they do not, checksums passing and failing, context words near and far —
/// scanned by the gated fast path and by the reference scan: they must agree.
///
/// The digit-group gates (`run: {…, group: N}`) skip every digit run whose group is too small to
/// hold a match; a wrong `group` (or a separator the scanner does not join) would lose findings
/// only for some groupings, which this test generates in bulk.
@Suite("Digit-run text: fast scan equals the reference scan")
struct DigitRunPropertyTests {
    static let engine = Fixtures.builtInEngine

    static let separators = [
        " ", "-", ".", "/", "\t", "\u{A0}", "(", ")", ") ", " / ", "\n", "\r\n", "  ", "   ", "    ", " - ", "-\u{A0}", ",", ":",
        "x", "\\n",
    ]
    static let prefixes = ["", "", "", "+", "+1 ", "+44 ", "(", "0", "00", "+91-", "1-", "\\n", "#", "$", "v"]
    static let contextWords = [
        "card", "visa", "credit card", "phone", "tel:", "Tel.", "mobile", "call", "fax", "ssn", "SSN:", "itin",
        "social insurance", "sin: ", "aadhaar", "uid", "national insurance", "nino", "iban", "account", "Telefon",
        "téléphone", "whatsapp", "ip",
    ]
    static let fillers = ["", " ", "\n", " and ", ", ", "; ", " lorem ipsum dolor sit amet, consectetur adipiscing ", "\"", "="]

    /// A random digit string of `count` digits, the first from `first`.
    static func digits(_ count: Int, first: String = "0123456789", using generator: inout SeededGenerator) -> [UInt8] {
        guard count > 0 else { return [] }
        let firsts = Array(first.utf8)
        var result = [firsts[Int(generator.next() % UInt64(firsts.count))]]
        for _ in 1..<count { result.append(UInt8(ascii: "0") + UInt8(generator.next() % 10)) }
        return result
    }

    /// `digits` with its last digit replaced by the Luhn check digit (or, when `valid` is false,
    /// a wrong one).
    static func luhn(_ digits: [UInt8], valid: Bool) -> [UInt8] {
        var body = Array(digits.dropLast())
        var sum = 0
        for (index, byte) in body.reversed().enumerated() {
            var value = Int(byte - UInt8(ascii: "0"))
            if index % 2 == 0 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        let check = (10 - sum % 10) % 10
        body.append(UInt8(ascii: "0") + UInt8(valid ? check : (check + 1) % 10))
        return body
    }

    /// The groupings of real numbers (phones, cards, national ids), used for half of the numbers.
    static let groupings = [
        [3, 3, 4], [4, 4, 4, 4], [2, 2, 2, 2, 2], [5, 5], [3, 2, 4], [4, 6, 5], [4, 3, 3], [3, 7], [4, 4, 4], [5, 3, 3],
        [1, 3, 3, 4], [3, 4, 4], [10], [9], [12], [16], [4, 4, 4, 3], [2, 4, 4], [3, 3, 3],
    ]

    /// One number: digits cut into groups joined by separators, after a prefix.
    static func number(using generator: inout SeededGenerator) -> String {
        let grouping: [Int]? = generator.next() % 2 == 0 ? groupings[Int(generator.next() % UInt64(groupings.count))] : nil
        let total = grouping?.reduce(0, +) ?? Int(generator.next() % 20) + 1
        var digitBytes = digits(total, first: generator.next() % 2 == 0 ? "0123456789" : "2345679", using: &generator)
        if total >= 12, generator.next() % 2 == 0 { digitBytes = luhn(digitBytes, valid: generator.next() % 4 != 0) }
        let separator = separators[Int(generator.next() % UInt64(separators.count))]
        let mixed = generator.next() % 5 == 0
        var text = prefixes[Int(generator.next() % UInt64(prefixes.count))]
        var index = 0
        var group = 0
        while index < digitBytes.count {
            let size = min(digitBytes.count - index, grouping?[group] ?? Int(generator.next() % 6) + 1)
            group += 1
            if index > 0 {
                text += mixed ? separators[Int(generator.next() % UInt64(separators.count))] : separator
            }
            text += String(decoding: digitBytes[index..<(index + size)], as: UTF8.self)
            index += size
        }
        return text
    }

    /// A message of numbers, context words and filler.
    static func message(using generator: inout SeededGenerator) -> String {
        var text = ""
        for _ in 0..<(Int(generator.next() % 6) + 1) {
            switch generator.next() % 4 {
            case 0: text += contextWords[Int(generator.next() % UInt64(contextWords.count))] + (generator.next() % 2 == 0 ? ": " : " ")
            case 1: text += fillers[Int(generator.next() % UInt64(fillers.count))]
            default: text += number(using: &generator)
            }
            text += fillers[Int(generator.next() % UInt64(fillers.count))]
        }
        return text
    }

    @Test("Generated numbers with separators, checksums and context words: fast scan equals the reference scan")
    func generated() {
        var generator = SeededGenerator(seed: 2026)
        var found = 0
        for _ in 0..<1500 {
            let text = Self.message(using: &generator)
            let fast = Self.engine.scan(text)
            #expect(fast == Self.engine.referenceScan(text), "\(text.utf8.count) bytes")
            found += fast.findings.count
        }
        // The generator reaches the detectors under test, not only their negatives.
        #expect(found > 100)
    }

    @Test("Well-formed numbers of the digit-shaped detectors regrouped with every separator")
    func regrouped() {
        // Each value's digits, rewritten with each separator between its original groups.
        let values = [
            ["4111", "1111", "1111", "1111"], ["3782", "822463", "10005"], ["020", "7946", "0958"], ["0161", "496", "0000"],
            ["07700", "900", "123"], ["030", "1234567"], ["06", "12", "34", "56", "78"], ["98765", "43210"], ["415", "555", "0132"],
            ["912", "70", "1234"], ["046", "454", "286"], ["5298", "9536", "4716"], ["123", "45", "6789"], ["1", "800", "555", "0199"],
        ]
        var found = 0
        for groups in values {
            for separator in Self.separators {
                for context in ["", "card ", "phone: ", "SSN ", "sin: ", "Aadhaar ", "itin "] {
                    for prefix in ["", "(", "+", "+1 ", "\\n"] {
                        let text = context + prefix + groups.joined(separator: separator) + " end"
                        let fast = Self.engine.scan(text)
                        #expect(fast == Self.engine.referenceScan(text), "\(groups.count) groups")
                        found += fast.findings.count
                    }
                }
            }
        }
        // Most spellings are found by some detector: the values reach the gated detectors.
        #expect(found > 1000)
    }

    @Test("IBANs, US addresses and Indian PANs with the bytes before their gating runs varied")
    func ibansAndAddresses() {
        let ibans = ["GB82 WEST 1234 5698 7654 32", "DE89370400440532013000", "de89-3704-0044-0532-0130-00", "FR14 2004 1010 0505 0001 3M02 606"]
        let addresses = [
            "1600 Pennsylvania Avenue NW, Washington, DC 20500", "350 Fifth Avenue\nNew York, NY 10118-0110",
            "12345 Main St, Apt 4, Springfield, IL 62704",
        ]
        let pans = ["ABCPE1234F", "AAAPL1234C", "ABCXE1234F", "ABCPE12345F", "ABCPE123F", "aBCPE1234F"]
        let befores = ["", " ", "x", "\\n", "(", "9", "iban: ", "Ship to: ", "_", "-", "PAN: ", "pan "]
        var found = 0
        for value in ibans + addresses + pans {
            for before in befores {
                for variant in [value, value.lowercased(), value.uppercased(), value.replacingOccurrences(of: " ", with: "  ")] {
                    let text = before + variant + " end"
                    let fast = Self.engine.scan(text)
                    #expect(fast == Self.engine.referenceScan(text), "\(text.utf8.count) bytes")
                    found += fast.findings.count
                }
            }
        }
        #expect(found > 50)
    }

    @Test("IPv6 addresses and colon-and-hex text near address words: fast scan equals the reference scan")
    func ipv6() {
        let values = [
            "2a03:2880:f12f:83:face:b00c:0:25de", "2600:1f18:4a3:6900::a1", "c8d5:7717:9055:a36f:4aa5:f9d4:335f:2f59", "::2:3",
            "1:2::", "2001:db8:85a3::8a2e:370:7334", "fe80::1ff:fe23:4567:890a", "12:30:45", "std::fd::close", "a::b", "::1",
            "dead:beef:cafe::1", "1::2",
        ]
        let befores = ["", " ", "address ", "ip=", "from [", "\\n", "x", ":", ".", "host: 1", "server "]
        let afters = ["", " ", "]:443", "/64", ".5", "x", " port 22"]
        var found = 0
        for value in values {
            for before in befores {
                for after in afters {
                    for variant in [value, value.uppercased()] {
                        let text = before + variant + after
                        let fast = Self.engine.scan(text)
                        #expect(fast == Self.engine.referenceScan(text), "\(text.utf8.count) bytes")
                        found += fast.findings.count
                    }
                }
            }
        }
        #expect(found > 100)
    }

    @Test("Bare numbers after phone labels, with the longest labels, quotes and spacing: fast scan equals the reference scan")
    func labelledPhones() {
        let labels = [
            "contact_phone_number", "CONTACT-PHONE#", "office phone no.", "t\u{E9}l\u{E9}phone", "mobiltelefon", "handynummer",
            "whats_app", "ph.", "tel", "hotel", "cell", "fax", "portable",
        ]
        let joins = ["", " ", "\\\"   =>   \\\"", "\"\t\t\t:=\n\n\n(", "' is '", "=", ": ", "   #   ", "\t\t\t\t"]
        let numbers = ["02079460958", "0207946095812", "4155550132", "14155550132", "123456789", "0301234567", "9876543210x"]
        var found = 0
        for label in labels {
            for join in joins {
                for number in numbers {
                    let text = "x " + label + join + number + " y"
                    let fast = Self.engine.scan(text)
                    #expect(fast == Self.engine.referenceScan(text), "\(text.utf8.count) bytes")
                    found += fast.findings.count
                }
            }
        }
        #expect(found > 100)
    }
}

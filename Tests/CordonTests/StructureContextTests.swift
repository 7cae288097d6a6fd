import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

/// Issue #15 class 5: a table's column header, a JSON or YAML key and a `.env` key are the
/// context of the values under or after them, so values too ambiguous to report alone (a bare
/// nine-digit SSN, a national phone number, a password) are found there — and the same values
/// under a header that names something else are not.
@Suite("Structure as context: headers and keys (issue 15 class 5)")
struct StructureContextTests {
    static let engine = Fixtures.builtInEngine

    /// Generated SSNs written bare or with blanks, never dashed (the dashed form needs no context).
    static let ssns: [String] = {
        var fake = FakeSecrets(seed: 505)
        return (0..<12).map { index in
            let dashed = fake.ssn()
            return index % 2 == 0 ? dashed.replacingOccurrences(of: "-", with: "") : dashed.replacingOccurrences(of: "-", with: " ")
        }
    }()

    static let names = ["Ann Lee", "Ravi Kumar", "Jana Novak", "Tom Berg", "Mia Chen", "Ola Nordmann"]
    static let cities = ["Leeds", "Pune", "Brno", "Malmo", "Austin", "Bergen"]

    /// A CSV or TSV table with `header` naming the third column and `values` in it.
    static func table(_ header: String, _ values: [String], delimiter: String = ",") -> String {
        var lines = [["id", "name", header, "city"].joined(separator: delimiter)]
        for (index, value) in values.enumerated() {
            lines.append(["\(1000 + index)", names[index % names.count], value, cities[index % cities.count]].joined(separator: delimiter))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func found(_ value: String, in text: String, by prefix: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let start = bytes.firstRange(of: Array(value.utf8))?.lowerBound else { return false }
        let span = start..<(start + value.utf8.count)
        return Self.engine.scan(text).findings.contains { $0.detectorID.hasPrefix(prefix) && $0.range == span }
    }

    @Test("Every SSN in a column headed ssn, us_ssn or SSN is found, however far below the header", arguments: ["ssn", "us_ssn", "SSN", "\"Social Security\""])
    func ssnColumn(header: String) {
        let csv = Self.table(header, Self.ssns)
        for value in Self.ssns {
            #expect(found(value, in: csv, by: "us-ssn"), "\(header): \(value)")
        }
        let tsv = Self.table(header, Self.ssns, delimiter: "\t")
        for value in Self.ssns {
            #expect(found(value, in: tsv, by: "us-ssn"), "TSV \(header): \(value)")
        }
    }

    @Test("The same numbers under a header that names something else are not SSNs")
    func otherColumn() {
        for header in ["order_id", "zip_plus", "quantity"] {
            let csv = Self.table(header, Self.ssns)
            let findings = Self.engine.scan(csv).findings
            #expect(findings.isEmpty, "\(header): \(findings.map(\.detectorID))")
        }
    }

    @Test("A Markdown table's phone and password columns")
    func markdownTable() throws {
        let phones = ["87 47 98", "742 819 305", "0171 4829301", "(029) 3743-196"]
        var fake = FakeSecrets(seed: 77)
        let passwords = (0..<4).map { _ in "Vx" + fake.random(FakeSecrets.base62, count: 10) + "!" }
        var lines = ["| user | phone | password |", "|---|---|---|"]
        for index in 0..<4 {
            lines.append("| \(Self.names[index]) | \(phones[index]) | \(passwords[index]) |")
        }
        let text = lines.joined(separator: "\n")
        for phone in phones { #expect(found(phone, in: text, by: "phone-"), "\(phone)") }
        let findings = Self.engine.scan(text).findings
        let bytes = Array(text.utf8)
        for password in passwords {
            let start = try #require(bytes.firstRange(of: Array(password.utf8))).lowerBound
            #expect(findings.contains { $0.range.lowerBound <= start && $0.range.upperBound >= start + password.utf8.count }, "\(password)")
        }
    }

    @Test("JSON, YAML and .env keys naming the value are its context")
    func keys() {
        let value = Self.ssns[0]
        for text in [
            #"{"customer": {"name": "Ann Lee", "ssn": "\#(value)"}}"#, "employee:\n  ssn: \(value)\n", "USER_SSN=\(value)\n",
            #"{"social_security_number": "\#(value)"}"#,
        ] {
            #expect(found(value, in: text, by: "us-ssn"), "\(text)")
        }
        #expect(found("87 47 98", in: "contact:\n  phone_number: 87 47 98\n", by: "phone-"))
    }

    @Test("SSNs with dots or slashes, lower-case and dashed IBANs, six-digit phone numbers with a phone word")
    func leftovers() {
        var fake = FakeSecrets(seed: 606)
        let ssn = fake.ssn()
        for separator in [".", "/"] {
            let written = ssn.replacingOccurrences(of: "-", with: separator)
            #expect(found(written, in: "SSN: \(written)", by: "us-ssn"), "\(written)")
        }
        let iban = fake.iban()
        let grouped = stride(from: 0, to: iban.count, by: 4).map { offset -> String in
            let start = iban.index(iban.startIndex, offsetBy: offset)
            return String(iban[start..<(iban.index(start, offsetBy: 4, limitedBy: iban.endIndex) ?? iban.endIndex)])
        }
        for written in [grouped.joined(separator: " ").lowercased(), grouped.joined(separator: "-"), grouped.joined(separator: "-").lowercased()] {
            #expect(found(written, in: "pay to \(written) today", by: "iban"), "\(written)")
        }
        #expect(found("87 47 98", in: "Tel: 87 47 98", by: "phone-"))
        #expect(!Self.engine.scan("Tel: 874798 or order 87-47-98").findings.contains { $0.detectorID.hasPrefix("phone-") })
    }
}

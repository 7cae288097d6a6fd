import CordonTestSupport
import Foundation
import Testing

@testable import Cordon

@Suite("Engine scanning")
struct EngineTests {
    let engine = Fixtures.engine

    /// The byte range of the first occurrence of `needle` in `text`.
    func range(of needle: String, in text: String) throws -> Range<Int> {
        let bytes = Array(text.utf8)
        let target = Array(needle.utf8)
        let start = try #require((0...(bytes.count - target.count)).first { Array(bytes[$0..<($0 + target.count)]) == target })
        return start..<(start + target.count)
    }

    @Test("Finds each kind of value with its detector, category, level and byte range")
    func findsValues() throws {
        var fake = FakeSecrets()
        let token = fake.githubToken()
        let card = fake.cardNumber()
        let text = "token \(token)\nmail jane.doe@acme-corp.io card \(card) host db01.corp"
        let result = engine.scan(text)
        #expect(result.findings.map(\.detectorID) == ["gh-token", "email", "card", "internal-host"])
        #expect(result.findings[0].range == (try range(of: token, in: text)))
        #expect(result.findings[0].category == .secret)
        #expect(result.findings[1].level == .confidential)
        #expect(result.findings[1].line == 2 && result.findings[1].column == 6)
        #expect(result.level == .restricted)
        #expect(result.isComplete)
    }

    @Test("Empty input: no findings, level public")
    func emptyInput() {
        #expect(engine.scan("").findings.isEmpty)
        #expect(engine.scan([UInt8]()).level == .public)
    }

    @Test("Level is the highest level found, public when nothing is found")
    func levels() {
        #expect(engine.scan("nothing to see here").level == .public)
        #expect(engine.scan("see api.corp").level == .internal)
        #expect(engine.scan("see api.corp or a@b-c.io").level == .confidential)
    }

    @Test("Invalid UTF-8 is scanned as bytes and offsets stay byte offsets")
    func invalidUTF8() throws {
        var fake = FakeSecrets()
        let token = fake.githubToken()
        let bytes: [UInt8] = [0xFF, 0xFE, 0xC3, 0x28, 0x20] + Array(token.utf8) + [0x20, 0x80, 0xE2, 0x82]
        let result = engine.scan(bytes)
        #expect(result.spans.map(\.0) == ["gh-token"])
        #expect(result.findings[0].range == 5..<(5 + token.utf8.count))
        #expect(result.findings[0].column == 6)
    }

    @Test("NUL bytes do not stop the scan")
    func nulBytes() {
        let bytes: [UInt8] = [0, 0] + Array("a@b-c.io".utf8) + [0] + Array("x.corp".utf8) + [0]
        #expect(engine.scan(bytes).spans.map(\.0) == ["email", "internal-host"])
        #expect(engine.scan(bytes).findings[1].range == 11..<17)
    }

    @Test("CRLF line ends: lines count LF, columns are bytes from the line start")
    func crlf() {
        let text = "first\r\nsecond a@b-c.io\r\n\r\nthird x.corp\r\n"
        let findings = engine.scan(text).findings
        #expect(findings.map(\.line) == [2, 4])
        #expect(findings.map(\.column) == [8, 7])
    }

    @Test("A value at the very first and the very last byte")
    func firstAndLastByte() throws {
        var fake = FakeSecrets()
        let first = fake.githubToken()
        let last = fake.githubToken(prefix: "ghs_")
        let text = first + " middle " + last
        let result = engine.scan(text)
        #expect(result.findings.map(\.range) == [0..<40, (text.utf8.count - 40)..<text.utf8.count])
        #expect(engine.scan(first).findings.count == 1, "the whole input is the value")
    }

    @Test("Capture group 1 is the value; keywords are case-insensitive")
    func captureGroup() throws {
        let text = #"PASSWORD = "Tr0ub4dor&3x" ; next"#
        let result = engine.scan(text)
        #expect(result.spans.map(\.0) == ["password"])
        #expect(result.findings[0].range == (try range(of: "Tr0ub4dor&3x", in: text)))
    }

    @Test("Allowlisted values and patterns are not reported")
    func allowlist() {
        #expect(engine.scan("password=changeme").findings.isEmpty)
        #expect(engine.scan("password=${DB_PASSWORD}").findings.isEmpty)
        #expect(engine.scan("password=changemeplease").findings.count == 1, "exact values only")
    }

    @Test("Validators reject look-alikes")
    func validatorsFilter() {
        #expect(engine.scan("card 4111 1111 1111 1112").findings.isEmpty, "Luhn-invalid")
        #expect(engine.scan("card 4111 1111 1111 1111").findings.count == 1)
        // (A body of one repeated letter would be a placeholder body: a test value whatever its checksum.)
        #expect(engine.scan("ghp_" + "Ab3dEf6hIj9lMn2pQr5tUv8xYz1BcDeFgHiJ").findings.isEmpty, "bad checksum")
    }

    @Test("The entropy floor drops low-entropy values")
    func entropyFloor() {
        #expect(engine.scan("key=0000000000000000").findings.isEmpty)
        #expect(engine.scan("key=ababababababababab").findings.isEmpty)
        #expect(engine.scan("key=9f86d081884c7d65").findings.count == 1)
    }

    @Test("A value found from context is found again wherever it stands alone")
    func propagation() throws {
        let text = "password=Kx9#mQ2vLp\nlog: login with Kx9#mQ2vLp failed; xKx9#mQ2vLp is another word"
        let result = engine.scan(text)
        #expect(result.spans.map(\.0) == ["password", "password"])
        #expect(result.findings[1].line == 2)
        #expect(result.findings[1].range == (try range(of: "Kx9#mQ2vLp failed", in: text)).lowerBound..<((try range(of: "Kx9#mQ2vLp failed", in: text)).lowerBound + 10))
    }

    @Test("Findings are sorted and the same detector never reports one span twice")
    func sortedUnique() {
        let text = String(repeating: "a@b-c.io x.corp ", count: 50)
        let findings = engine.scan(text).findings
        #expect(findings.count == 100)
        #expect(findings.map(\.range.lowerBound) == findings.map(\.range.lowerBound).sorted())
    }

    @Test("A 100 MB single-line input is scanned, values at start, middle and end")
    func hundredMegabytes() throws {
        var fake = FakeSecrets()
        let tokens = [fake.githubToken(), fake.githubToken(), fake.githubToken()]
        let size = 100 * 1_000_000
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: size)
        for index in stride(from: 7, to: size, by: 64) { bytes[index] = UInt8(ascii: " ") }
        let positions = [0, size / 2, size - 40]
        for (token, position) in zip(tokens, positions) {
            bytes.replaceSubrange(position..<(position + 40), with: Array(token.utf8))
            bytes[position + 40 < size ? position + 40 : position - 1] = UInt8(ascii: " ")
            if position > 0 { bytes[position - 1] = UInt8(ascii: " ") }
        }
        // Decoding off and no time budget to speak of, as this test scanned before messages of
        // every size were decoded: it checks windows and offsets, and must not depend on the
        // machine's load.
        let engine = try Engine(
            DetectorSet(DetectorSet.parse(yaml: Fixtures.yaml, file: "fixtures.yaml")),
            limits: ScanLimits(timeBudget: .seconds(3600), decodingDepth: 0))
        let result = engine.scan(bytes)
        #expect(result.isComplete)
        #expect(result.findings.map(\.range.lowerBound) == positions)
        #expect(result.findings.allSatisfy { $0.line == 1 })
        #expect(result.findings.last?.column == size - 40 + 1)
    }

    @Test("Many threads share one engine and get identical results")
    func concurrentScans() async {
        var fake = FakeSecrets()
        let text = (0..<200).map { index in "row \(index) \(fake.email()) \(fake.githubToken()) \(fake.cardNumber())\n" }.joined()
        let expected = engine.scan(text)
        let engine = self.engine
        let results = await withTaskGroup(of: ScanResult.self) { group in
            for _ in 0..<16 { group.addTask { engine.scan(text) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count == 16)
        #expect(results.allSatisfy { $0 == expected })
        #expect(expected.findings.count == 600)
    }

    @Test("A fresh engine's first scans race to JIT-compile the same patterns and agree")
    func coldConcurrentScans() async throws {
        var fake = FakeSecrets(seed: 3)
        let text = (0..<50).map { index in "row \(index) \(fake.email()) \(fake.githubToken()) \(fake.cardNumber())\n" }.joined()
        let expected = try Engine(DetectorSet(Fixtures.engine.detectors)).scan(text)
        #expect(expected.findings.count == 150)
        let cold = try Engine(DetectorSet(Fixtures.engine.detectors))
        #expect(cold.compiled.allSatisfy { !$0.pattern.isJITCompiled })
        let results = await withTaskGroup(of: ScanResult.self) { group in
            for _ in 0..<16 { group.addTask { cold.scan(text) } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.allSatisfy { $0 == expected })
        #expect(cold.compiled.contains { $0.pattern.isJITCompiled })
    }

    @Test("A pattern that hits PCRE2's match limit fails cleanly, named, without quoting input")
    func matchLimit() throws {
        let yaml = Fixtures.catastrophicYAML
        let engine = try Engine(DetectorSet(DetectorSet.parse(yaml: yaml, file: "bad.yaml")))
        let input = String(repeating: "a", count: 60) + "!"
        let clock = ContinuousClock()
        var result: ScanResult?
        let elapsed = clock.measure { result = engine.scan(input) }
        let scan = try #require(result)
        #expect(!scan.isComplete)
        #expect(scan.failures.map(\.detectorID) == ["catastrophic"])
        #expect(!scan.failures[0].description.contains("aaaa"))
        #expect(elapsed < .seconds(30), "bounded by the match limit, not by the input")
    }
}

@Suite("Keyword automaton")
struct KeywordAutomatonTests {
    /// Every (detector, start) hit, sorted.
    func hits(_ automaton: KeywordAutomaton, _ text: String) -> [[Int]] {
        var hits = KeywordHits()
        var copy = text
        copy.withUTF8 { automaton.collectHits(in: $0, into: &hits) }
        return zip(hits.detectors, hits.starts).map { [Int($0), $1] }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    @Test("Reports every occurrence of every keyword, case-insensitively, with its start")
    func reportsOccurrences() {
        let automaton = KeywordAutomaton(keywords: [["he"], ["she", "HERS"], ["his"], [], ["xyz"]])
        #expect(hits(automaton, "ushers") == [[0, 2], [1, 1], [1, 2]])
        #expect(hits(automaton, "USHERS") == [[0, 2], [1, 1], [1, 2]])
        #expect(hits(automaton, "hIs") == [[2, 0]])
        #expect(hits(automaton, "xy z").isEmpty)
        #expect(hits(automaton, "").isEmpty)
    }

    @Test("Agrees with a naive search on random inputs")
    func agreesWithNaiveSearch() {
        var random = SeededGenerator(seed: 9)
        let alphabet = Array("abcAB_-")
        func word(_ length: Int) -> String {
            String((0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
        }
        for _ in 0..<50 {
            let keywords = (0..<8).map { _ in (0..<2).map { _ in word(1 + Int(random.next() % 4)) } }
            let automaton = KeywordAutomaton(keywords: keywords)
            let text = word(200)
            let lower = Array(text.lowercased().utf8)
            var expected = Set<[Int]>()
            for (detector, list) in keywords.enumerated() {
                for keyword in list {
                    let needle = Array(keyword.lowercased().utf8)
                    for start in 0...(lower.count - needle.count) where Array(lower[start..<(start + needle.count)]) == needle {
                        expected.insert([detector, start])
                    }
                }
            }
            #expect(Set(hits(automaton, text)) == expected)
        }
    }

    @Test("Hits group by detector in ascending order of start")
    func grouping() {
        let automaton = KeywordAutomaton(keywords: [["abcd", "c"], ["b"]])
        var hits = KeywordHits()
        var text = "abcd abcd"
        text.withUTF8 { automaton.collectHits(in: $0, into: &hits) }
        let (offsets, starts) = hits.grouped(detectorCount: 2)
        #expect(Array(starts[offsets[0]..<offsets[1]]) == [0, 2, 5, 7])
        #expect(Array(starts[offsets[1]..<offsets[2]]) == [1, 6])
    }
}

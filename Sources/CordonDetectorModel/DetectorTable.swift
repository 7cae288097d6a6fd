/// An exact, compact encoding of detectors: the form in which the build embeds the built-in set.
///
/// The EmbedDetectors build plugin parses `detectors/*.yaml` with ``DetectorFileParser`` (the
/// parser that reads detector files at run time) and embeds the result in this encoding, so a
/// process gets the built-in detectors without parsing 600 KB of YAML (most of a short-lived
/// hook's start-up). Every field of every ``Detector`` is kept, examples included; the test
/// suite checks that the decoded table equals a parse of the repository's detector files.
///
/// The encoding is UTF-8 text, so that it can be a Swift string literal: a header, the number of
/// detectors, then each detector's fields in declaration order. Every field is a netstring,
/// `<decimal byte count>:<bytes>`; a list is its count and then its items; an optional is `0`,
/// or `1` and then the value; a `Double` is the decimal of its bit pattern. Decoding checks
/// every length, number and name, and throws at the first thing it does not expect.
package enum DetectorTable {
    /// The first field of every table: the format and its version (2 added `references`, 3 the
    /// allowlist's test values and `test_value_examples`, 5 `propagate`, 6 moved the name,
    /// description, examples and references to the end of each detector, where a process can
    /// leave them encoded).
    static let header = "cordon-detector-table/6"

    /// The reason a table could not be decoded: where in the table decoding stopped.
    package struct DecodingError: Error, Sendable, Equatable {
        /// The byte offset in the table.
        package var offset: Int
    }

    /// Encodes `detectors`.
    package static func encode(_ detectors: [Detector]) -> [UInt8] {
        var writer = Writer()
        writer.field(header)
        writer.int(detectors.count)
        for detector in detectors {
            writer.field(detector.id)
            writer.field(detector.category.rawValue)
            writer.field(detector.level.name)
            writer.field(detector.pattern)
            writer.list(detector.keywords)
            writer.optional(detector.keywordDistance) { $0.int($1) }
            writer.optional(detector.runGate) { writer, gate in
                writer.field(gate.characterClass.rawValue)
                writer.int(gate.length)
                writer.int(gate.within)
                writer.optional(gate.groupDigits) { $0.int($1) }
                writer.optional(gate.before) { $0.field($1) }
            }
            writer.optional(detector.minimumEntropy) { $0.field(String($1.bitPattern)) }
            writer.list(detector.validators.map(\.rawValue))
            writer.field(detector.confidence.name)
            writer.optional(detector.context) { writer, context in
                writer.list(context.words)
                writer.int(context.window)
                writer.bool(context.required)
            }
            writer.bool(detector.scansDecodedLayers)
            writer.bool(detector.propagatesValue)
            writer.list(detector.allowlist.values)
            writer.list(detector.allowlist.patterns)
            writer.list(detector.allowlist.testValues.values)
            writer.list(detector.allowlist.testValues.patterns)
            writer.field(detector.source)
            // Last, so that they are one run of bytes (``DetectorDocumentation``).
            writer.field(detector.name)
            writer.field(detector.description)
            writer.list(detector.examples)
            writer.list(detector.negativeExamples)
            writer.list(detector.testValueExamples)
            writer.list(detector.references)
        }
        return writer.bytes
    }

    /// Decodes a table made by ``encode(_:)``.
    ///
    /// - Throws: ``DecodingError`` at the first malformed or unexpected field, or when bytes
    ///   follow the last detector.
    package static func decode(_ table: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> [Detector] {
        try decode(table, keepsDocumentationEncoded: false)
    }

    /// Decodes a table made by ``encode(_:)`` that lives as long as the process (a string
    /// literal: the embedded table), leaving each detector's name, description, examples and
    /// references encoded until they are read (``DetectorDocumentation``); their structure —
    /// every length and count — is checked here all the same.
    ///
    /// - Throws: ``DecodingError`` as ``decode(_:)``.
    package static func decode(immortal table: UnsafeBufferPointer<UInt8>) throws(DecodingError) -> [Detector] {
        try decode(table, keepsDocumentationEncoded: true)
    }

    private static func decode(_ table: UnsafeBufferPointer<UInt8>, keepsDocumentationEncoded: Bool) throws(DecodingError) -> [Detector] {
        var reader = Reader(bytes: table)
        guard try reader.string() == header else { throw DecodingError(offset: 0) }
        let count = try reader.int()
        var detectors: [Detector] = []
        detectors.reserveCapacity(count)
        // The file a detector comes from is usually the previous detector's: its string is shared.
        var previousSource = ""
        for _ in 0..<count {
            let id = try reader.string()
            let category = try reader.value(Category.init(rawValue:))
            let level = try reader.value(Level.init(name:))
            let pattern = try reader.string()
            let keywords = try reader.list()
            let keywordDistance = try reader.optional { reader throws(DecodingError) in try reader.int() }
            let runGate = try reader.optional { reader throws(DecodingError) in
                RunGate(
                    characterClass: try reader.value(RunGate.CharacterClass.init(rawValue:)),
                    length: try reader.int(), within: try reader.int(),
                    groupDigits: try reader.optional { reader throws(DecodingError) in try reader.int() },
                    before: try reader.optional { reader throws(DecodingError) in try reader.string() })
            }
            let entropy = try reader.optional { reader throws(DecodingError) in
                Double(bitPattern: try reader.unsigned())
            }
            let validators = try reader.list().map { (name) throws(DecodingError) in
                guard let validator = Validator(rawValue: name) else { throw reader.error }
                return validator
            }
            let confidence = try reader.value(Confidence.init(name:))
            let context = try reader.optional { reader throws(DecodingError) in
                ContextRule(words: try reader.list(), window: try reader.int(), required: try reader.bool())
            }
            let scansDecodedLayers = try reader.bool()
            let propagatesValue = try reader.bool()
            let allowlist = Allowlist(
                values: try reader.list(), patterns: try reader.list(),
                testValues: TestValues(values: try reader.list(), patterns: try reader.list()))
            let source = try reader.string(reusing: previousSource)
            previousSource = source
            let documentation: DetectorDocumentation
            if keepsDocumentationEncoded {
                let start = reader.offset
                try reader.skipDocumentation()
                documentation = DetectorDocumentation(encoded: UnsafeBufferPointer(rebasing: table[start..<reader.offset]))
            } else {
                documentation = DetectorDocumentation(try reader.documentation())
            }
            detectors.append(
                Detector(
                    id: id, category: category, level: level, pattern: pattern, keywords: keywords,
                    keywordDistance: keywordDistance, runGate: runGate, minimumEntropy: entropy, validators: validators,
                    confidence: confidence, context: context, scansDecodedLayers: scansDecodedLayers,
                    propagatesValue: propagatesValue, allowlist: allowlist, source: source, documentation: documentation))
        }
        guard reader.offset == table.count else { throw reader.error }
        return detectors
    }

    /// The documentation fields in `bytes`, which ``decode(immortal:)`` checked: every length
    /// and count is right, and the bytes are a Swift string literal's (valid UTF-8), so decoding
    /// cannot fail; were a string not valid UTF-8 it would read with replacement characters.
    static func documentation(checked bytes: UnsafeBufferPointer<UInt8>) -> DetectorDocumentation.Fields {
        var reader = Reader(bytes: bytes, repairs: true)
        do {
            return try reader.documentation()
        } catch {
            preconditionFailure("the built-in detector table changed after it was checked")
        }
    }

    /// Appends netstrings to a byte array.
    private struct Writer {
        var bytes: [UInt8] = []

        mutating func field(_ text: String) {
            bytes += String(text.utf8.count).utf8
            bytes.append(UInt8(ascii: ":"))
            bytes += text.utf8
        }

        mutating func int(_ value: Int) { field(String(value)) }

        mutating func bool(_ value: Bool) { field(value ? "1" : "0") }

        mutating func list(_ items: [String]) {
            int(items.count)
            for item in items { field(item) }
        }

        mutating func optional<Value>(_ value: Value?, _ write: (inout Writer, Value) -> Void) {
            guard let value else {
                bool(false)
                return
            }
            bool(true)
            write(&self, value)
        }
    }

    /// Reads netstrings from a table, checking each.
    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        /// The offset of the next field.
        var offset = 0
        /// Whether a string that is not valid UTF-8 reads with replacement characters instead
        /// of being an error (for checked tables only).
        var repairs = false

        init(bytes: UnsafeBufferPointer<UInt8>, repairs: Bool = false) {
            self.bytes = bytes
            self.repairs = repairs
        }

        /// The name, description, examples, negative examples, test-value examples and references.
        mutating func documentation() throws(DecodingError) -> DetectorDocumentation.Fields {
            DetectorDocumentation.Fields(
                name: try string(), description: try string(), examples: try list(), negativeExamples: try list(),
                testValueExamples: try list(), references: try list())
        }

        /// Moves past the fields ``documentation()`` reads, checking their lengths and counts.
        mutating func skipDocumentation() throws(DecodingError) {
            _ = try field()
            _ = try field()
            for _ in 0..<4 {
                let count = try int()
                guard count <= (bytes.count - offset) / 2 else { throw error }
                for _ in 0..<count { _ = try field() }
            }
        }

        /// An error at the current offset.
        var error: DecodingError { DecodingError(offset: offset) }

        /// The bytes of the next field.
        mutating func field() throws(DecodingError) -> UnsafeBufferPointer<UInt8> {
            var length = 0
            var position = offset
            while position < bytes.count, bytes[position] != UInt8(ascii: ":") {
                let digit = bytes[position] &- UInt8(ascii: "0")
                guard digit < 10, position - offset < 9 else { throw error }
                length = length * 10 + Int(digit)
                position += 1
            }
            guard position < bytes.count, position > offset, length <= bytes.count - position - 1 else { throw error }
            let start = position + 1
            offset = start + length
            return UnsafeBufferPointer(rebasing: bytes[start..<offset])
        }

        mutating func string() throws(DecodingError) -> String {
            let start = offset
            let bytes = try field()
            // The table is written from Swift strings, so it is valid UTF-8. `String(decoding:)`
            // checks that much faster than `String(validating:)` (a fifth of decoding the
            // catalogue), but repairs what it does not accept: a repair shows in the length.
            let text = String(decoding: bytes, as: UTF8.self)
            guard repairs || text.utf8.count == bytes.count else { throw DecodingError(offset: start) }
            return text
        }

        /// The next field as a string: `previous` itself when the bytes are the same (no copy).
        mutating func string(reusing previous: String) throws(DecodingError) -> String {
            let start = offset
            let bytes = try field()
            var previous = previous
            let same = previous.utf8.count == bytes.count
                && previous.withUTF8 { $0.elementsEqual(bytes) }
            if same { return previous }
            offset = start
            return try string()
        }

        /// The next field, converted by `make`; an error when `make` returns `nil`.
        mutating func value<Value>(_ make: (String) -> Value?) throws(DecodingError) -> Value {
            let start = offset
            guard let value = make(try string()) else { throw DecodingError(offset: start) }
            return value
        }

        /// The next field as a non-negative decimal number.
        ///
        /// Read from the bytes, not through a `String`: a table holds about 7,000 numbers and
        /// flags, and a `String` for each was a tenth of decoding the catalogue at start-up.
        mutating func int() throws(DecodingError) -> Int {
            let start = offset
            let digits = try field()
            guard let value = Self.decimal(digits), value <= UInt64(Int.max) else { throw DecodingError(offset: start) }
            return Int(value)
        }

        /// The next field as `1` (true) or `0` (false).
        mutating func bool() throws(DecodingError) -> Bool {
            let start = offset
            let digits = try field()
            guard digits.count == 1, digits[0] == UInt8(ascii: "0") || digits[0] == UInt8(ascii: "1") else {
                throw DecodingError(offset: start)
            }
            return digits[0] == UInt8(ascii: "1")
        }

        /// The next field as an unsigned decimal number (a `Double`'s bit pattern).
        mutating func unsigned() throws(DecodingError) -> UInt64 {
            let start = offset
            guard let value = Self.decimal(try field()) else { throw DecodingError(offset: start) }
            return value
        }

        /// `digits` as an unsigned decimal number: one or more ASCII digits (a `+` or `-` sign is
        /// not one: ``Writer`` never writes one), `nil` past `UInt64.max`.
        private static func decimal(_ digits: UnsafeBufferPointer<UInt8>) -> UInt64? {
            guard !digits.isEmpty else { return nil }
            var value: UInt64 = 0
            for byte in digits {
                let digit = byte &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
                let (sum, carry) = times10.addingReportingOverflow(UInt64(digit))
                guard !overflow, !carry else { return nil }
                value = sum
            }
            return value
        }

        mutating func list() throws(DecodingError) -> [String] {
            let count = try int()
            // Every item takes at least two bytes (`0:`), which bounds a corrupt count.
            guard count <= (bytes.count - offset) / 2 else { throw error }
            var items: [String] = []
            items.reserveCapacity(count)
            for _ in 0..<count { items.append(try string()) }
            return items
        }

        mutating func optional<Value>(_ read: (inout Reader) throws(DecodingError) -> Value) throws(DecodingError) -> Value? {
            try bool() ? try read(&self) : nil
        }
    }
}

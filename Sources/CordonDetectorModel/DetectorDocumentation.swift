/// The parts of a ``Detector`` that say what it is and how it is tested — name, description,
/// examples, negative examples, test-value examples, references — which no scan reads.
///
/// The reason: a hook process decodes the built-in table at every start, and these fields are
/// most of its strings (3,300 examples alone): decoding them was about half of the table's
/// decoding, for text only `cordon detectors check`/`list` and the tests read. The built-in table
/// (a string literal, never freed) therefore keeps them encoded, and they are decoded each time
/// they are read; a detector made any other way holds them decoded. Either way a ``Detector``
/// reads, compares and hashes the same.
struct DetectorDocumentation: Hashable, @unchecked Sendable {
    /// The decoded fields.
    struct Fields: Hashable, Sendable {
        var name: String
        var description: String
        var examples: [String]
        var negativeExamples: [String]
        var testValueExamples: [String]
        var references: [String]
    }

    private enum Storage {
        case decoded(Fields)
        /// The fields in ``DetectorTable``'s encoding, within a table that is never freed (the
        /// embedded one), checked when the table was decoded. Hence `@unchecked Sendable`: the
        /// bytes are immutable and live as long as the process.
        case encoded(UnsafeBufferPointer<UInt8>)
    }

    private var storage: Storage

    init(_ fields: Fields) {
        storage = .decoded(fields)
    }

    /// Fields still encoded in an immortal table, already checked by ``DetectorTable``.
    init(encoded bytes: UnsafeBufferPointer<UInt8>) {
        storage = .encoded(bytes)
    }

    /// The fields, decoded if need be.
    var fields: Fields {
        get {
            switch storage {
            case .decoded(let fields): return fields
            case .encoded(let bytes): return DetectorTable.documentation(checked: bytes)
            }
        }
        set { storage = .decoded(newValue) }
    }

    static func == (lhs: DetectorDocumentation, rhs: DetectorDocumentation) -> Bool {
        if case .encoded(let a) = lhs.storage, case .encoded(let b) = rhs.storage, a.baseAddress == b.baseAddress, a.count == b.count {
            return true
        }
        return lhs.fields == rhs.fields
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(fields)
    }
}

/// A definition of one kind of sensitive value: a pattern plus the checks that make it precise.
///
/// Detectors are data. They are read from YAML files (see `detectors/README.md`) into this type,
/// and a ``Engine`` compiles a set of them once. A detector carries its own examples, which
/// ``DetectorSet/check(using:)`` runs.
public struct Detector: Sendable, Hashable {
    /// The unique id, such as `aws-access-key-id`; shown in findings and placeholders.
    public var id: String
    /// A short human-readable name.
    public var name: String {
        get { documentation.fields.name }
        set { documentation.fields.name = newValue }
    }
    /// What the value is and why it matters.
    public var description: String {
        get { documentation.fields.description }
        set { documentation.fields.description = newValue }
    }
    /// The kind of data found.
    public var category: Category
    /// The level of a message in which this detector finds something.
    public var level: Level
    /// The PCRE2 pattern, matched against raw bytes; capture group 1, when set, is the value.
    public var pattern: String
    /// Literals, matched case-insensitively, at least one of which must occur for the detector
    /// to run. Empty means the detector always runs.
    public var keywords: [String]
    /// How many bytes before its keyword a match may start, or `nil` for
    /// ``Engine/keywordWindow``. `0` when the pattern starts with the keyword.
    public var keywordDistance: Int?
    /// For a detector without keywords: a run of characters every match contains near its
    /// start, around which alone the pattern runs; `nil` to run over every message in full.
    public var runGate: RunGate?
    /// The minimum Shannon entropy of a value, in bits per byte, or `nil` for none.
    public var minimumEntropy: Double?
    /// Checks every value must pass.
    public var validators: [Validator]
    /// The confidence of a finding before context is considered.
    public var confidence: Confidence
    /// Context words that raise the confidence, or that a value needs to be reported.
    public var context: ContextRule?
    /// Whether the detector also runs on decoded layers of a message (base64, percent, …);
    /// `false` for detectors whose values are themselves an encoding (HTTP Basic credentials).
    public var scansDecodedLayers: Bool
    /// Whether the detector's values are looked for again elsewhere in a message (value
    /// propagation); `false` for identifiers found by their key alone (a login user name such as
    /// `postgres`), whose every other occurrence in the text is an ordinary word, not a value.
    public var propagatesValue: Bool
    /// Values that are never reported.
    public var allowlist: Allowlist
    /// Texts in which the detector must find something.
    public var examples: [String] {
        get { documentation.fields.examples }
        set { documentation.fields.examples = newValue }
    }
    /// Texts in which the detector must find nothing.
    public var negativeExamples: [String] {
        get { documentation.fields.negativeExamples }
        set { documentation.fields.negativeExamples = newValue }
    }
    /// Texts in which the detector must find something, and only documentation or test values
    /// (``Allowlist/testValues``): `AKIAIOSFODNN7EXAMPLE`, the test card 4111 1111 1111 1111.
    public var testValueExamples: [String] {
        get { documentation.fields.testValueExamples }
        set { documentation.fields.testValueExamples = newValue }
    }
    /// Addresses of the documentation of the value's format (the provider's description of its
    /// tokens), for whoever reviews or changes the detector.
    public var references: [String] {
        get { documentation.fields.references }
        set { documentation.fields.references = newValue }
    }
    /// Where the detector was defined: a file name or path, for error messages.
    public var source: String
    /// The name, description, examples and references, which the built-in table keeps encoded
    /// until they are read (``DetectorDocumentation``).
    var documentation: DetectorDocumentation

    /// Creates a detector from its parts.
    public init(
        id: String, name: String, description: String, category: Category, level: Level,
        pattern: String, keywords: [String] = [], keywordDistance: Int? = nil, runGate: RunGate? = nil,
        minimumEntropy: Double? = nil,
        validators: [Validator] = [], confidence: Confidence = .medium, context: ContextRule? = nil,
        scansDecodedLayers: Bool = true, propagatesValue: Bool = true, allowlist: Allowlist = Allowlist(),
        examples: [String] = [], negativeExamples: [String] = [], testValueExamples: [String] = [],
        references: [String] = [], source: String = "<code>"
    ) {
        self.init(
            id: id, category: category, level: level, pattern: pattern, keywords: keywords, keywordDistance: keywordDistance,
            runGate: runGate, minimumEntropy: minimumEntropy, validators: validators, confidence: confidence, context: context,
            scansDecodedLayers: scansDecodedLayers, propagatesValue: propagatesValue, allowlist: allowlist, source: source,
            documentation: DetectorDocumentation(
                DetectorDocumentation.Fields(
                    name: name, description: description, examples: examples, negativeExamples: negativeExamples,
                    testValueExamples: testValueExamples, references: references)))
    }

    /// A detector whose name, description, examples and references are `documentation`
    /// (``DetectorTable`` decodes the built-in table into such detectors, the documentation left
    /// encoded).
    init(
        id: String, category: Category, level: Level, pattern: String, keywords: [String], keywordDistance: Int?,
        runGate: RunGate?, minimumEntropy: Double?, validators: [Validator], confidence: Confidence, context: ContextRule?,
        scansDecodedLayers: Bool, propagatesValue: Bool, allowlist: Allowlist, source: String,
        documentation: DetectorDocumentation
    ) {
        self.id = id
        self.documentation = documentation
        self.category = category
        self.level = level
        self.pattern = pattern
        self.keywords = keywords
        self.keywordDistance = keywordDistance
        self.runGate = runGate
        self.minimumEntropy = minimumEntropy
        self.validators = validators
        self.confidence = confidence
        self.context = context
        self.scansDecodedLayers = scansDecodedLayers
        self.propagatesValue = propagatesValue
        self.allowlist = allowlist
        self.source = source
    }
}

/// Values a detector never reports (template placeholders and masked values), and documentation
/// values it reports tagged as test values.
///
/// A value is allowlisted when it equals one of ``values`` exactly, or when one of ``patterns``
/// (PCRE2, searched in the value's bytes) matches it. The two kinds are kept apart because they
/// call for opposite handling: `<YOUR_API_KEY>` or `${TOKEN}` holds no secret at all, while a
/// published example such as `AKIAIOSFODNN7EXAMPLE` is a well-formed value that a filter must
/// still redact (a "test" value is only ever known to be one by its spelling) but that must not
/// fail a CI scan. See ``TestValues``.
public struct Allowlist: Sendable, Hashable {
    /// Exact values that are never reported.
    public var values: [String]
    /// PCRE2 patterns; a value any of them matches is never reported.
    public var patterns: [String]
    /// Documentation and test values: reported, tagged ``Finding/isTestValue``.
    public var testValues: TestValues

    /// Creates an allowlist.
    public init(values: [String] = [], patterns: [String] = [], testValues: TestValues = TestValues()) {
        self.values = values
        self.patterns = patterns
        self.testValues = testValues
    }

    /// Returns this allowlist with the entries of `other` added.
    public func merging(_ other: Allowlist) -> Allowlist {
        Allowlist(values: values + other.values, patterns: patterns + other.patterns, testValues: testValues.merging(other.testValues))
    }
}

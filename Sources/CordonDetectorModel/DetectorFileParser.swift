import Yams

/// Reads one detector file (YAML) into ``Detector`` values, strictly.
///
/// Every field is checked: unknown fields, missing required fields, wrong types, unknown
/// categories, levels and validators are errors naming the file, the line and the detector id.
/// Scalars are taken as written, without YAML's type coercion. A pattern's fragment references
/// (`(?{name})`, see ``PatternFragment``) are expanded here, so every reader of detector files —
/// the build step that embeds the built-in set and `--detectors PATH` at run time — sees the
/// full pattern. Error messages never quote a value from the file, because example texts hold
/// (fake) secrets.
package struct DetectorFileParser {
    private static let topLevelFields: Set<String> = ["detectors", "allowlist"]
    private static let detectorFields: Set<String> = [
        "id", "name", "description", "category", "level", "pattern", "keywords", "keyword_distance", "run", "entropy",
        "validators", "confidence", "context", "decoded_layers", "propagate", "allowlist", "examples", "negative_examples",
        "test_value_examples", "references",
    ]
    private static let contextFields: Set<String> = ["words", "window", "required"]
    private static let runFields: Set<String> = ["class", "length", "within", "group", "before"]
    private static let allowlistFields: Set<String> = ["values", "patterns", "test_values"]
    private static let testValueFields: Set<String> = ["values", "patterns"]
    private static let minimumExamples = 2
    private static let minimumNegativeExamples = 1

    /// The file's name or path, for error messages and each detector's ``Detector/source``.
    package let file: String
    /// Whether patterns have their fragment references expanded; `false` keeps each pattern as
    /// written, for checks of the files themselves (no fragment spelt out, long patterns laid out).
    package let expandsFragments: Bool

    /// Creates a parser for the contents of `file`.
    package init(file: String, expandsFragments: Bool = true) {
        self.file = file
        self.expandsFragments = expandsFragments
    }

    /// Parses `yaml`, the contents of `file`.
    package func parse(_ yaml: String) throws -> [Detector] {
        let root: Node?
        do {
            root = try StrictYAML.compose(yaml)
        } catch {
            throw yamlError(error)
        }
        guard let root else { throw DetectorError(file: file, message: "the file is empty") }
        let top = try mapping(root, what: "the file", detector: nil)
        try checkFields(top, allowed: Self.topLevelFields, what: "the file", detector: nil)
        let shared = try top["allowlist"].map { try allowlist($0, detector: nil) } ?? Allowlist()
        guard let list = top["detectors"] else {
            throw DetectorError(file: file, line: line(root), message: "missing field 'detectors'")
        }
        guard case .sequence(let items) = list else {
            throw DetectorError(file: file, line: line(list), message: "'detectors' must be a list")
        }
        return try items.map { try detector($0, shared: shared) }
    }

    private func detector(_ node: Node, shared: Allowlist) throws -> Detector {
        let fields = try mapping(node, what: "a detector", detector: nil)
        let id = try requiredString(fields, "id", detector: nil)
        guard Self.isValidID(id) else {
            throw DetectorError(
                file: file, line: line(node), detectorID: nil,
                message: "invalid id \(StrictYAML.quoted(id)): use lowercase letters, digits and '-', starting with a letter or digit")
        }
        try checkFields(fields, allowed: Self.detectorFields, what: "a detector", detector: id)
        let categoryName = try requiredString(fields, "category", detector: id)
        guard let category = Category(rawValue: categoryName) else {
            throw error(fields["category"]!, id, "unknown category \(StrictYAML.quoted(categoryName)) (expected one of: \(Category.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let levelName = try requiredString(fields, "level", detector: id)
        guard let level = Level(name: levelName) else {
            throw error(fields["level"]!, id, "unknown level \(StrictYAML.quoted(levelName)) (expected one of: \(Level.allCases.map(\.name).joined(separator: ", ")))")
        }
        let written = try requiredString(fields, "pattern", detector: id)
        guard !written.isEmpty else { throw error(fields["pattern"]!, id, "'pattern' is empty") }
        let pattern = expandsFragments ? try expandingFragments(written, node: fields["pattern"]!, detector: id) : written
        let keywords = try stringList(fields["keywords"], "keywords", detector: id)
        if let empty = keywords.firstIndex(where: \.isEmpty) {
            throw error(fields["keywords"]!, id, "keyword #\(empty + 1) is empty")
        }
        var keywordDistance: Int?
        if let node = fields["keyword_distance"] {
            guard !keywords.isEmpty else { throw error(node, id, "'keyword_distance' needs 'keywords'") }
            guard let text = scalar(node), let value = Int(text), (0...4096).contains(value) else {
                throw error(node, id, "'keyword_distance' must be a whole number of bytes from 0 to 4096")
            }
            keywordDistance = value
        }
        var runGate: RunGate?
        if let node = fields["run"] {
            guard keywords.isEmpty else { throw error(node, id, "'run' is for detectors without 'keywords'") }
            runGate = try self.runGate(node, detector: id)
        }
        var entropy: Double?
        if let node = fields["entropy"] {
            guard let text = scalar(node), let value = Double(text), (0...8).contains(value) else {
                throw error(node, id, "'entropy' must be a number of bits per byte from 0 to 8")
            }
            entropy = value
        }
        let validators = try stringList(fields["validators"], "validators", detector: id).map { name in
            guard let validator = Validator(rawValue: name) else {
                throw error(fields["validators"]!, id, "unknown validator \(StrictYAML.quoted(name)) (known: \(Validator.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return validator
        }
        var confidence = Confidence.medium
        if let node = fields["confidence"] {
            guard let name = scalar(node), let value = Confidence(name: name) else {
                throw error(node, id, "'confidence' must be one of: low, medium, high")
            }
            confidence = value
        }
        let context = try fields["context"].map { try contextRule($0, detector: id) }
        var scansDecodedLayers = true
        if let node = fields["decoded_layers"] {
            switch scalar(node) {
            case "true": scansDecodedLayers = true
            case "false": scansDecodedLayers = false
            default: throw error(node, id, "'decoded_layers' must be true or false")
            }
        }
        var propagatesValue = true
        if let node = fields["propagate"] {
            switch scalar(node) {
            case "true": propagatesValue = true
            case "false": propagatesValue = false
            default: throw error(node, id, "'propagate' must be true or false")
            }
        }
        let own = try fields["allowlist"].map { try allowlist($0, detector: id) } ?? Allowlist()
        let examples = try stringList(fields["examples"], "examples", detector: id)
        guard examples.count >= Self.minimumExamples else {
            throw error(fields["examples"] ?? node, id, "needs at least \(Self.minimumExamples) examples, has \(examples.count)")
        }
        let negatives = try stringList(fields["negative_examples"], "negative_examples", detector: id)
        guard negatives.count >= Self.minimumNegativeExamples else {
            throw error(fields["negative_examples"] ?? node, id, "needs at least \(Self.minimumNegativeExamples) negative example, has \(negatives.count)")
        }
        let testValueExamples = try stringList(fields["test_value_examples"], "test_value_examples", detector: id)
        if !testValueExamples.isEmpty, own.merging(shared).testValues.isEmpty {
            throw error(fields["test_value_examples"]!, id, "has test_value_examples but no allowlist test_values")
        }
        let references = try stringList(fields["references"], "references", detector: id)
        if let bad = references.firstIndex(where: { !Self.isWebAddress($0) }) {
            throw error(fields["references"]!, id, "reference #\(bad + 1) is not an http:// or https:// address without spaces")
        }
        return Detector(
            id: id,
            name: try requiredString(fields, "name", detector: id),
            description: try requiredString(fields, "description", detector: id),
            category: category, level: level, pattern: pattern, keywords: keywords, keywordDistance: keywordDistance,
            runGate: runGate, minimumEntropy: entropy, validators: validators, confidence: confidence, context: context,
            scansDecodedLayers: scansDecodedLayers, propagatesValue: propagatesValue, allowlist: own.merging(shared),
            examples: examples, negativeExamples: negatives, testValueExamples: testValueExamples, references: references,
            source: file)
    }

    /// `pattern` with its fragment references expanded (see ``PatternFragment``); an error
    /// names the line of the reference, never the pattern's text.
    private func expandingFragments(_ pattern: String, node: Node, detector: String) throws -> String {
        do {
            return try PatternFragments.expand(pattern)
        } catch {
            var line = self.line(node)
            // A block scalar (`|-`) starts on the line after its indicator; count the lines
            // before the reference so the error points at it.
            if let start = line, case .scalar(let scalar) = node, scalar.style == .literal || scalar.style == .folded {
                let before = pattern.utf8.prefix(error.offset).filter { $0 == UInt8(ascii: "\n") }.count
                line = start + 1 + before
            }
            throw DetectorError(file: file, line: line, detectorID: detector, message: "'pattern': \(error.message)")
        }
    }

    /// Whether `text` looks like a web address: `http://` or `https://`, a host, and no
    /// whitespace or control characters, which no documentation link needs.
    static func isWebAddress(_ text: String) -> Bool {
        let rest: Substring
        if text.hasPrefix("https://") {
            rest = text.dropFirst(8)
        } else if text.hasPrefix("http://") {
            rest = text.dropFirst(7)
        } else {
            return false
        }
        guard let first = rest.utf8.first, first != UInt8(ascii: "/"), first != UInt8(ascii: ".") else { return false }
        return rest.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F }
    }


    static func isValidID(_ id: String) -> Bool {
        guard let first = id.utf8.first, first != UInt8(ascii: "-") else { return false }
        return id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-")
        }
    }

    // MARK: - Node helpers

    private func allowlist(_ node: Node, detector: String?) throws -> Allowlist {
        let fields = try mapping(node, what: "'allowlist'", detector: detector)
        try checkFields(fields, allowed: Self.allowlistFields, what: "'allowlist'", detector: detector)
        return Allowlist(
            values: try stringList(fields["values"], "allowlist values", detector: detector),
            patterns: try stringList(fields["patterns"], "allowlist patterns", detector: detector),
            testValues: try fields["test_values"].map { try testValues($0, detector: detector) } ?? TestValues())
    }

    /// `allowlist.test_values`: documentation values that are reported, tagged as test values.
    private func testValues(_ node: Node, detector: String?) throws -> TestValues {
        let fields = try mapping(node, what: "'test_values'", detector: detector)
        try checkFields(fields, allowed: Self.testValueFields, what: "'test_values'", detector: detector)
        let result = TestValues(
            values: try stringList(fields["values"], "test_values values", detector: detector),
            patterns: try stringList(fields["patterns"], "test_values patterns", detector: detector))
        guard !result.isEmpty else {
            throw DetectorError(file: file, line: line(node), detectorID: detector, message: "'test_values' needs 'values' or 'patterns'")
        }
        return result
    }

    private func contextRule(_ node: Node, detector: String) throws -> ContextRule {
        let fields = try mapping(node, what: "'context'", detector: detector)
        try checkFields(fields, allowed: Self.contextFields, what: "'context'", detector: detector)
        let words = try stringList(fields["words"], "context words", detector: detector)
        guard !words.isEmpty, !words.contains(where: \.isEmpty) else {
            throw error(node, detector, "'context' needs a non-empty list of non-empty 'words'")
        }
        var window = ContextRule.defaultWindow
        if let windowNode = fields["window"] {
            guard let text = scalar(windowNode), let value = Int(text), (1...4096).contains(value) else {
                throw error(windowNode, detector, "'window' must be a whole number of bytes from 1 to 4096")
            }
            window = value
        }
        var required = false
        if let requiredNode = fields["required"] {
            switch scalar(requiredNode) {
            case "true": required = true
            case "false": required = false
            default: throw error(requiredNode, detector, "'required' must be true or false")
            }
        }
        return ContextRule(words: words, window: window, required: required)
    }

    private func runGate(_ node: Node, detector: String) throws -> RunGate {
        let fields = try mapping(node, what: "'run'", detector: detector)
        try checkFields(fields, allowed: Self.runFields, what: "'run'", detector: detector)
        guard let classNode = fields["class"], let className = scalar(classNode),
            let characterClass = RunGate.CharacterClass(rawValue: className)
        else {
            throw error(fields["class"] ?? node, detector, "'run' needs a 'class': one of \(RunGate.CharacterClass.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let lengthNode = fields["length"], let lengthText = scalar(lengthNode), let length = Int(lengthText), (1...256).contains(length) else {
            throw error(fields["length"] ?? node, detector, "'run' needs a 'length': a whole number of characters from 1 to 256")
        }
        var within = 0
        if let withinNode = fields["within"] {
            guard let text = scalar(withinNode), let value = Int(text), (0...256).contains(value) else {
                throw error(withinNode, detector, "'within' must be a whole number of bytes from 0 to 256")
            }
            within = value
        }
        var groupDigits: Int?
        if let groupNode = fields["group"] {
            guard characterClass == .digits else {
                throw error(groupNode, detector, "'group' applies only to a run of class 'digits'")
            }
            guard let text = scalar(groupNode), let value = Int(text), (length...256).contains(value) else {
                throw error(groupNode, detector, "'group' must be a whole number of digits from the run's 'length' to 256")
            }
            groupDigits = value
        }
        var before: String?
        if let beforeNode = fields["before"] {
            guard let text = scalar(beforeNode), RunGate.beforeClasses(text) != nil else {
                throw error(beforeNode, detector, "'before' must be 1 to 16 bracket classes or printable ASCII characters")
            }
            before = text
        }
        return RunGate(characterClass: characterClass, length: length, within: within, groupDigits: groupDigits, before: before)
    }

    // MARK: - Node helpers: the strict reader, its problems named with file and detector

    private func reading<T>(_ detector: String?, _ read: () throws(StrictYAML.Problem) -> T) throws(DetectorError) -> T {
        do {
            return try read()
        } catch {
            throw DetectorError(file: file, line: error.line, detectorID: detector, message: error.message)
        }
    }

    private func mapping(_ node: Node, what: String, detector: String?) throws(DetectorError) -> StrictYAML.Fields {
        try reading(detector) { () throws(StrictYAML.Problem) in try StrictYAML.Fields(node, what: what) }
    }

    private func checkFields(
        _ fields: StrictYAML.Fields, allowed: Set<String>, what: String, detector: String?
    ) throws(DetectorError) {
        try reading(detector) { () throws(StrictYAML.Problem) in try fields.checkAllowed(allowed, in: what) }
    }

    private func requiredString(_ fields: StrictYAML.Fields, _ name: String, detector: String?) throws(DetectorError) -> String {
        try reading(detector) { () throws(StrictYAML.Problem) in try fields.requiredString(name) }
    }

    private func stringList(_ node: Node?, _ name: String, detector: String?) throws(DetectorError) -> [String] {
        try reading(detector) { () throws(StrictYAML.Problem) in try StrictYAML.stringList(node, name) }
    }

    private func scalar(_ node: Node) -> String? { StrictYAML.scalar(node) }

    private func line(_ node: Node) -> Int? { StrictYAML.line(of: node) }

    private func error(_ node: Node, _ detector: String?, _ message: String) -> DetectorError {
        DetectorError(file: file, line: line(node), detectorID: detector, message: message)
    }

    private func yamlError(_ failure: StrictYAML.Failure) -> DetectorError {
        if let duplicates = failure.duplicateKeys {
            return DetectorError(
                file: file, line: failure.line,
                message: "field \(duplicates.map(StrictYAML.quoted).joined(separator: ", ")) appears twice in one mapping")
        }
        return DetectorError(file: file, line: failure.line, message: failure.problem.map { "invalid YAML: \($0)" } ?? "invalid YAML")
    }
}

import Cordon
import CordonJSON

/// Redacts the values of a JSON document (a tool's input or output, an MCP message) without
/// changing its shape: every member name, every number, every `true`/`false`/`null` and every
/// protected string (discriminators such as `type` and `mimeType`) stays exactly as it came,
/// and values are replaced only inside the other strings.
///
/// The reason is the receiver: Claude Code validates `updatedToolOutput` against the built-in
/// tool's output schema and silently uses the ORIGINAL output when the shape differs, and an
/// MCP client validates `structuredContent` against the tool's `outputSchema`. A rewrite that
/// renames a key or turns a number into a string is therefore not a redaction at all.
///
/// Every text of the document — member names, strings, number literals, and any extra texts
/// the caller adds (decoded blobs) — is scanned twice as one message:
///
/// - one text per line, so a value found in one string (a password after `password=`) is
///   found wherever else it stands, and context words in a neighbouring string count;
/// - each pair of neighbouring texts joined with nothing between them (one pair per line), and
///   each pair of neighbouring content strings likewise, so a value split across two strings
///   of one event (two array items, a key and its value, two arguments with their keys between
///   them) is found whole. A match of these scans that overlaps a value the first scan found is
///   that value running on into its neighbour and is left to the first scan. (A value split
///   over three or more strings is not found whole.)
///
/// A value above the destination's limit is replaced in each content string that holds a part
/// of it: the first part by the value's replacement, the other parts by nothing. If a part lies
/// in a member name, a number, a protected string or an extra text, the document cannot be
/// redacted honestly and ``ContentRewrite/isRedactable`` is false. Finally the rewritten texts
/// are scanned once more: anything still above the limit makes the rewrite unusable too
/// (fail closed).
public struct ShapePreservingRedactor: Sendable {
    /// The enforcer holding the engine, the policy and the placeholder store.
    public let enforcer: PolicyEnforcer
    /// How redacted values are replaced.
    public let replacement: ValueReplacement
    /// Member names whose string values are never rewritten: discriminators and enumerations
    /// a receiver matches on exactly.
    public let protectedNames: Set<String>
    /// Member names protected only inside objects of a given `type`: the base64 `data` of MCP
    /// `image` and `audio` blocks, which a redaction would corrupt.
    public let protectedByType: [String: Set<String>]

    /// The member names protected by default: JSON-schema discriminators and enumerations of the
    /// Claude Code tool outputs and of MCP (`type`, `mimeType`, `role`, `method`, `jsonrpc`…).
    public static let defaultProtectedNames: Set<String> = [
        "type", "mimeType", "media_type", "mediaType", "role", "method", "jsonrpc", "status", "encoding",
        "resultType", "uri", "stopReason", "action",
    ]

    /// Creates a redactor.
    public init(
        enforcer: PolicyEnforcer, replacement: ValueReplacement,
        protectedNames: Set<String> = ShapePreservingRedactor.defaultProtectedNames,
        protectedByType: [String: Set<String>] = [:]
    ) {
        self.enforcer = enforcer
        self.replacement = replacement
        self.protectedNames = protectedNames
        self.protectedByType = protectedByType
    }

    /// Whether the string value of `name` in `object` is protected.
    func isProtected(_ name: String, in object: JSONValue) -> Bool {
        if protectedNames.contains(name) { return true }
        guard !protectedByType.isEmpty, let type = object["type"]?.stringValue else { return false }
        return protectedByType[type]?.contains(name) ?? false
    }

    /// One text of a document, in document order.
    struct Text {
        /// The text's bytes.
        var bytes: [UInt8]
        /// Whether the text may be rewritten (a content string).
        var isContent: Bool
        /// Whether the text is a string (not a member name or a number).
        var isString: Bool = false
    }

    /// Scans `value` (with `extraTexts`, which are scanned but can never be rewritten) for
    /// `context` and redacts it when the policy says so.
    ///
    /// - Throws: ``EnforcementError`` for an unknown destination, or for reversible placeholders
    ///   without a session.
    public func redact(
        _ value: JSONValue, context: MessageContext, extraTexts: [[UInt8]] = []
    ) throws(EnforcementError) -> ContentRewrite {
        var texts: [Text] = []
        collectTexts(in: value, protected: false, into: &texts)
        texts += extraTexts.map { Text(bytes: $0, isContent: false) }

        let lines = try scan(texts, segments: texts.indices.map { [$0] }, context: context)
        let joined = try scan(texts, segments: Self.pairs(Array(texts.indices)), context: context)
        let joinedStrings = try scan(
            texts, segments: Self.pairs(texts.indices.filter { texts[$0].isContent && texts[$0].isString }), context: context)
        var decisions = [lines.decision, joined.decision, joinedStrings.decision]
        let action = max(lines.decision.action, joined.decision.action, joinedStrings.decision.action)
        var found: [[UInt8]] = []
        for scan in [lines, joined, joinedStrings] {
            for span in Engine.mergedSpans(scan.decision.aboveLimit) where !found.contains(where: { $0.elementsEqual(scan.bytes[span.range]) }) {
                found.append(Array(scan.bytes[span.range]))
            }
        }
        guard action == .redact else {
            var result = ContentRewrite(decisions: decisions, action: action, rewritten: nil, isRedactable: action == .allow)
            result.foundValues = found
            return result
        }
        // The replacement pieces of each text, from both scans.
        var pieces = [[(range: Range<Int>, replacement: [UInt8])]](repeating: [], count: texts.count)
        var redactable = true
        var foundRanges = [[Range<Int>]](repeating: [], count: texts.count)
        for (pass, scan) in [lines, joined, joinedStrings].enumerated() {
            for span in Engine.mergedSpans(scan.decision.aboveLimit) {
                let parts = scan.parts(of: span.range)
                // A joined-scan match that overlaps a value the one-by-one scan found is that
                // value running on into its neighbour (`password=abc` then the key `stderr`):
                // the value itself is already replaced.
                if pass > 0, parts.contains(where: { part in foundRanges[part.text].contains { $0.overlaps(part.range) } }) {
                    continue
                }
                if pass == 0 { for part in parts { foundRanges[part.text].append(part.range) } }
                if parts.contains(where: { !texts[$0.text].isContent }) { redactable = false }
                let value = scan.bytes[span.range]
                let whole = replacementBytes(for: value, detectorID: span.detectorID, session: context.session)
                for (index, part) in parts.enumerated() {
                    pieces[part.text].append((part.range, index == 0 ? whole : []))
                }
            }
        }
        guard redactable else {
            var result = ContentRewrite(decisions: decisions, action: action, rewritten: nil, isRedactable: false)
            result.foundValues = found
            return result
        }
        let rewrittenTexts = texts.indices.map { index -> [UInt8]? in
            pieces[index].isEmpty ? nil : Self.apply(pieces[index], to: texts[index].bytes)
        }
        var next = 0
        let rewritten = rewriteStrings(in: value, protected: false) { _ in
            defer { next += 1 }
            return rewrittenTexts[next]
        }
        // The check: the rewritten document (and the extra texts) must now be within the limit.
        var check: [Text] = []
        collectTexts(in: rewritten, protected: false, into: &check)
        check += extraTexts.map { Text(bytes: $0, isContent: false) }
        let verification = try scan(check, segments: check.indices.map { [$0] }, context: context)
        decisions.append(verification.decision)
        guard verification.decision.action == .allow, !Self.holdsAny(of: found, in: rewritten) else {
            var result = ContentRewrite(decisions: decisions, action: max(action, .redact), rewritten: nil, isRedactable: false)
            result.foundValues = found
            return result
        }
        var result = ContentRewrite(decisions: decisions, action: .redact, rewritten: rewritten, isRedactable: true)
        result.foundValues = found
        return result
    }

    /// Whether a member name, string or number of `value` holds one of `values`: the check that
    /// a replacement let none of the found values through, wherever the scan of the replacement
    /// alone (without the context that made a value findable) would miss it.
    package static func holdsAny(of values: [[UInt8]], in value: JSONValue) -> Bool {
        guard !values.isEmpty else { return false }
        func holds(_ text: some Collection<UInt8>) -> Bool {
            let bytes = Array(text)
            return values.contains { needle in
                !needle.isEmpty && needle.count <= bytes.count
                    && (0...(bytes.count - needle.count)).contains { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
            }
        }
        switch value {
        case .null, .bool: return false
        case .number(let text): return holds(text.utf8)
        case .string(let bytes): return holds(bytes)
        case .array(let items): return items.contains { holdsAny(of: values, in: $0) }
        case .object(let members): return members.contains { holds($0.name.utf8) || holdsAny(of: values, in: $0.value) }
        }
    }

    /// The texts joined with `separator`, and the policy's decision for them.
    struct JoinedScan {
        var bytes: [UInt8]
        var ranges: [Range<Int>]
        /// The index of the text each range holds.
        var textIndices: [Int]
        /// Where in its text each range starts (a pair holds only the seam's neighbourhood).
        var textOffsets: [Int]
        var decision: PolicyDecision

        /// The parts of `range` that fall in each text, in local coordinates.
        func parts(of range: Range<Int>) -> [(text: Int, range: Range<Int>)] {
            var result: [(text: Int, range: Range<Int>)] = []
            // Binary search for the first text that ends after the range starts.
            var low = 0
            var high = ranges.count
            while low < high {
                let middle = (low + high) / 2
                if ranges[middle].upperBound <= range.lowerBound { low = middle + 1 } else { high = middle }
            }
            var index = low
            while index < ranges.count, ranges[index].lowerBound < range.upperBound {
                let text = ranges[index]
                let lower = max(text.lowerBound, range.lowerBound)
                let upper = min(text.upperBound, range.upperBound)
                let offset = textOffsets[index] - text.lowerBound
                if lower < upper { result.append((textIndices[index], (lower + offset)..<(upper + offset))) }
                index += 1
            }
            return result
        }
    }

    /// Each neighbouring pair of `indices` (or the one index, when there is only one).
    static func pairs(_ indices: [Int]) -> [[Int]] {
        indices.count < 2 ? indices.map { [$0] } : zip(indices, indices.dropFirst()).map { [$0, $1] }
    }

    /// How much of each side of a seam a pair scan reads: a split value must cross the seam,
    /// and its keyword context lies at most ``Engine/keywordWindow`` (256 bytes) before it, so
    /// 1 KiB on each side holds any value up to 768 bytes with its context. Reading only the seam's
    /// neighbourhood keeps the pair scans small for long content strings.
    public static let seamWindow = 1024

    /// Scans `segments` of `texts` as one message: the texts of a segment joined with nothing
    /// between them, segments one per line. In a pair, only the end of the first text and the
    /// start of the second (``seamWindow`` bytes each) are read.
    private func scan(_ texts: [Text], segments: [[Int]], context: MessageContext) throws(EnforcementError) -> JoinedScan {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        var textIndices: [Int] = []
        var textOffsets: [Int] = []
        for segment in segments {
            if !bytes.isEmpty || !ranges.isEmpty { bytes.append(UInt8(ascii: "\n")) }
            for (position, index) in segment.enumerated() {
                let text = texts[index].bytes
                var part = 0..<text.count
                if segment.count == 2 {
                    part = position == 0 ? max(0, text.count - Self.seamWindow)..<text.count : 0..<min(text.count, Self.seamWindow)
                }
                ranges.append(bytes.count..<(bytes.count + part.count))
                textIndices.append(index)
                textOffsets.append(part.lowerBound)
                bytes += text[part]
            }
        }
        // Decided without a replacement: the replacement is built here, per string.
        let enforcement = try bytes.withUnsafeBufferPointer { (buffer) throws(EnforcementError) in
            try enforcer.enforce(buffer, context: context)
        }
        return JoinedScan(bytes: bytes, ranges: ranges, textIndices: textIndices, textOffsets: textOffsets, decision: enforcement.decision)
    }

    private func replacementBytes(for value: ArraySlice<UInt8>, detectorID: String, session: String?) -> [UInt8] {
        Array(value).withUnsafeBufferPointer { buffer in
            switch replacement {
            case .operator(let redactionOperator):
                return redactionOperator.replacement(for: buffer, detectorID: detectorID)
            case .reversiblePlaceholder:
                let assigned = enforcer.placeholders.placeholders(
                    for: [(value: buffer[...], detectorID: detectorID)], session: session ?? "")
                return assigned.first.flatMap { $0 } ?? PlaceholderSyntax.redacted(detectorID: detectorID)
            }
        }
    }

    /// `bytes` with `pieces` (ranges, possibly overlapping) replaced.
    static func apply(_ pieces: [(range: Range<Int>, replacement: [UInt8])], to bytes: [UInt8]) -> [UInt8] {
        let sorted = pieces.sorted { ($0.range.lowerBound, $1.range.upperBound) < ($1.range.lowerBound, $0.range.upperBound) }
        var merged: [(range: Range<Int>, replacement: [UInt8])] = []
        for piece in sorted {
            if let last = merged.last, piece.range.lowerBound < last.range.upperBound {
                merged[merged.count - 1].range = last.range.lowerBound..<max(last.range.upperBound, piece.range.upperBound)
                if merged[merged.count - 1].replacement.isEmpty { merged[merged.count - 1].replacement = piece.replacement }
            } else {
                merged.append(piece)
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var copied = 0
        for piece in merged {
            output += bytes[copied..<piece.range.lowerBound]
            output += piece.replacement
            copied = piece.range.upperBound
        }
        output += bytes[copied...]
        return output
    }

    /// Appends the texts of `value` in document order: member names, strings, number literals.
    func collectTexts(in value: JSONValue, protected: Bool, into texts: inout [Text]) {
        switch value {
        case .null, .bool: break
        case .number(let text): texts.append(Text(bytes: Array(text.utf8), isContent: false))
        case .string(let bytes): texts.append(Text(bytes: bytes, isContent: !protected, isString: true))
        case .array(let items): for item in items { collectTexts(in: item, protected: false, into: &texts) }
        case .object(let members):
            for member in members {
                texts.append(Text(bytes: Array(member.name.utf8), isContent: false))
                collectTexts(in: member.value, protected: isProtected(member.name, in: value), into: &texts)
            }
        }
    }

    /// `value` with each content string replaced by `rewrite`'s result (`nil` keeps it);
    /// `rewrite` is called once per text in ``collectTexts(in:protected:into:)``'s order.
    func rewriteStrings(in value: JSONValue, protected: Bool, _ rewrite: (JSONValue) -> [UInt8]?) -> JSONValue {
        switch value {
        case .null, .bool: return value
        case .number: _ = rewrite(value); return value
        case .string(let bytes):
            let replaced = rewrite(value)
            return protected ? value : .string(replaced ?? bytes)
        case .array(let items): return .array(items.map { rewriteStrings(in: $0, protected: false, rewrite) })
        case .object(let members):
            return .object(members.map { member in
                _ = rewrite(.string(Array(member.name.utf8)))
                return JSONMember(
                    name: member.name,
                    value: rewriteStrings(in: member.value, protected: isProtected(member.name, in: value), rewrite))
            })
        }
    }
}

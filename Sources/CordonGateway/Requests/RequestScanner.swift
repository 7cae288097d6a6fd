import Cordon
import CordonGuard
import CordonJSON
import Crypto

/// Scans every string of a request body — values and member names, at any depth, including
/// ones the gateway does not recognise — and replaces the values above the destination's level
/// with the session's reversible placeholders.
///
/// A string that holds a JSON document (a tool call's `arguments`) is scanned twice: its decoded
/// document string by string, so escapes inside it cannot hide a value, and then the whole raw
/// string. One blocked string blocks the request; an incomplete scan under a closed policy is a
/// block.
public struct RequestScanner: Sendable {
    /// The pipeline's enforcer.
    public let enforcer: PolicyEnforcer
    /// The per-message decision cache, if any.
    public let cache: DecisionCache?
    /// Short strings known to hold nothing, if kept.
    public let cleanTexts: CleanTextCache?

    /// Creates a scanner; with a `cache`, the elements of the body's top-level arrays (messages,
    /// tools) are looked up there before they are scanned; with `cleanTexts`, short strings whose
    /// scan found nothing before are not scanned again.
    public init(enforcer: PolicyEnforcer, cache: DecisionCache? = nil, cleanTexts: CleanTextCache? = nil) {
        self.enforcer = enforcer
        self.cache = cache
        self.cleanTexts = cleanTexts
    }

    /// Scans `body` for `context` (whose session receives the placeholders). `useCache`: look
    /// messages up in the cache (only for sessions that last beyond one request).
    public func scan(_ body: JSONValue, context: MessageContext, useCache: Bool = true) throws(EnforcementError) -> RequestScan {
        if cache != nil, useCache, context.session != nil, body.isObject,
            var scan = try scan(bytes: body.serialized(), context: context, useCache: true)
        {
            scan.body = scan.bytes.flatMap { try? JSONValue(parsing: $0) }
            return scan
        }
        var walk = Walk(enforcer: enforcer, context: context, cleanTexts: cleanTexts)
        let output = try walk.value(body, depth: 0)
        return walk.result(body: output, bytes: nil)
    }

    /// Scans a JSON object body as received: the bytes to forward are `bytes` with only the
    /// rewritten values spliced in, and, with a cache (and `useCache`), each element of a
    /// top-level array (a message, a tool) is looked up by the SHA-256 of its bytes before it is
    /// parsed and scanned. `nil` when `bytes` are not a JSON object of the shape
    /// ``RequestBodyLayout`` reads, or a part does not parse: the caller parses the whole body
    /// and reports the error.
    public func scan(bytes: [UInt8], context: MessageContext, useCache: Bool = true) throws(EnforcementError) -> RequestScan? {
        guard let layout = bytes.withUnsafeBufferPointer({ RequestBodyLayout($0) }) else { return nil }
        let cache = useCache && context.session != nil ? self.cache : nil
        var walk = Walk(enforcer: enforcer, context: context, cleanTexts: cleanTexts)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 256)
        var copied = 0
        func splice(_ range: Range<Int>, with replacement: [UInt8]) {
            output += bytes[copied..<range.lowerBound]
            output += replacement
            copied = range.upperBound
        }
        for member in layout.members {
            guard case .string(let name)? = try? JSONValue(parsing: Array(bytes[member.nameRange])) else { return nil }
            let scannedName = try walk.text(name)
            if scannedName != name { splice(member.nameRange, with: JSONValue.string(scannedName).serialized()) }
            if let elements = member.elements {
                for range in elements {
                    switch try element(bytes, range: range, walk: &walk, cache: cache) {
                    case .unparsable: return nil
                    case .unchanged: break
                    case .replaced(let replacement): splice(range, with: replacement)
                    }
                }
            } else {
                guard let value = try? JSONValue(parsing: Array(bytes[member.valueRange])) else { return nil }
                let scanned = try walk.value(value, depth: 0)
                if scanned != value { splice(member.valueRange, with: scanned.serialized()) }
            }
        }
        output += bytes[copied...]
        return walk.result(body: nil, bytes: copied == 0 ? bytes : output)
    }

    /// What became of one element of a top-level array.
    private enum ElementOutcome {
        case unparsable
        case unchanged
        case replaced([UInt8])
    }

    /// One message: the cached decision when there is one whose placeholders the session still
    /// knows, else a parse and a scan (stored when complete and fully reversible).
    private func element(_ bytes: [UInt8], range: Range<Int>, walk: inout Walk, cache: DecisionCache?) throws(EnforcementError) -> ElementOutcome {
        var key: DecisionCache.Key? = nil
        if let cache {
            let digest = bytes.withUnsafeBufferPointer { SHA256.hash(data: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: $0[range]))) }
            key = DecisionCache.key(digest: digest, context: walk.context, policy: enforcer.policy)
            let session = walk.context.session ?? ""
            let usable = { (entry: DecisionCache.Entry) in
                entry.placeholders.allSatisfy { placeholder in
                    placeholder.withUnsafeBufferPointer { enforcer.restore($0, session: session).count == 1 }
                }
            }
            if let entry = cache.entry(for: key!, isUsable: usable) {
                walk.level = max(walk.level, entry.level)
                if entry.action > walk.action { walk.action = entry.action }
                for (id, count) in entry.counts { walk.counts[id, default: 0] += count }
                if entry.action == .block, walk.explanation == nil { walk.explanation = entry.explanation }
                return entry.replacement.map { .replaced($0) } ?? .unchanged
            }
        }
        guard let value = try? JSONValue(parsing: Array(bytes[range])) else { return .unparsable }
        var part = Walk(enforcer: enforcer, context: walk.context, cleanTexts: cleanTexts)
        let scanned = try part.value(value, depth: 0)
        walk.level = max(walk.level, part.level)
        if part.action > walk.action { walk.action = part.action }
        for (id, count) in part.counts { walk.counts[id, default: 0] += count }
        if !part.isComplete { walk.isComplete = false }
        if walk.explanation == nil { walk.explanation = part.explanation }
        walk.irreversible += part.irreversible
        let replacement = scanned == value ? nil : scanned.serialized()
        if let cache, let key, part.isComplete, part.irreversible == 0 {
            let placeholders = (replacement ?? []).withUnsafeBufferPointer { buffer in
                PlaceholderSyntax.reversibleRanges(in: buffer).map { Array(buffer[$0]) }
            }
            cache.store(
                DecisionCache.Entry(
                    replacement: replacement, level: part.level, action: part.action, counts: part.counts, explanation: part.explanation,
                    placeholders: placeholders, cost: (replacement?.count ?? 0) + range.count / 8 + 256),
                for: key)
        }
        return replacement.map { .replaced($0) } ?? .unchanged
    }

    /// The highest level of any string of `body` for `context`, without replacing anything; for
    /// classification-based routing.
    public func level(of body: JSONValue, context: MessageContext) throws(EnforcementError) -> Level {
        var walk = Walk(enforcer: enforcer, context: context, cleanTexts: cleanTexts, replacing: false)
        _ = try walk.value(body, depth: 0)
        return walk.level
    }

    /// The state of one walk over a body.
    struct Walk {
        let enforcer: PolicyEnforcer
        let context: MessageContext
        let cleanTexts: CleanTextCache?
        var replacing = true
        var level: Level = .public
        var action: PolicyAction = .allow
        var counts: [String: Int] = [:]
        var isComplete = true
        var explanation: String?
        var irreversible = 0

        /// The scan's outcome, forwarding `body` or `bytes` unless something is blocked.
        func result(body: JSONValue?, bytes: [UInt8]?) -> RequestScan {
            let blocked = action == .block
            return RequestScan(
                body: blocked ? nil : body, bytes: blocked ? nil : bytes, level: level, action: action, detectorCounts: counts,
                isComplete: isComplete, explanation: explanation, irreversibleReplacements: irreversible)
        }

        /// Nested JSON documents inside strings are followed this deep.
        static let maximumNesting = 4

        mutating func value(_ value: JSONValue, depth: Int) throws(EnforcementError) -> JSONValue {
            switch value {
            case .null, .bool, .number:
                return value
            case .string(let bytes):
                return .string(try string(bytes, depth: depth))
            case .array(let elements):
                var output: [JSONValue] = []
                output.reserveCapacity(elements.count)
                for element in elements { output.append(try self.value(element, depth: depth)) }
                return .array(output)
            case .object(let members):
                var output: [JSONMember] = []
                output.reserveCapacity(members.count)
                for member in members {
                    let name = try text(Array(member.name.utf8))
                    output.append(JSONMember(name: String(decoding: name, as: UTF8.self), value: try self.value(member.value, depth: depth)))
                }
                return .object(output)
            }
        }

        /// A string value: its nested JSON document first, when it holds one, then its text.
        mutating func string(_ bytes: [UInt8], depth: Int) throws(EnforcementError) -> [UInt8] {
            var bytes = bytes
            if depth < Self.maximumNesting, let first = bytes.first(where: { $0 > 0x20 }),
                first == UInt8(ascii: "{") || first == UInt8(ascii: "["),
                let nested = try? JSONValue(parsing: bytes)
            {
                let scanned = try value(nested, depth: depth + 1)
                if scanned != nested { bytes = scanned.serialized() }
            }
            return try text(bytes)
        }

        /// One piece of text through the enforcer.
        mutating func text(_ bytes: [UInt8]) throws(EnforcementError) -> [UInt8] {
            guard !bytes.isEmpty else { return bytes }
            if let cleanTexts, cleanTexts.isClean(bytes, context: context) { return bytes }
            let enforcement = try enforcer.enforce(bytes: bytes, context: context, replacement: replacing ? .reversiblePlaceholder : nil)
            let decision = enforcement.decision
            if let cleanTexts, decision.findings.isEmpty, enforcement.scan.isComplete, enforcement.scan.findings.isEmpty {
                cleanTexts.remember(bytes, context: context)
            }
            level = max(level, decision.level)
            if !enforcement.scan.isComplete { isComplete = false }
            for finding in decision.findings { counts[finding.detectorID, default: 0] += 1 }
            irreversible += enforcement.irreversibleReplacements
            if decision.action > action { action = decision.action }
            if decision.action == .block, explanation == nil { explanation = decision.explanation }
            guard replacing, decision.action == .redact, let output = enforcement.output else { return bytes }
            return output
        }
    }
}

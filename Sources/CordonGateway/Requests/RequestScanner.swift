import Cordon
import CordonGuard
import CordonJSON

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

    /// Creates a scanner; with a `cache`, the elements of the body's top-level arrays (messages,
    /// tools) are looked up there before they are scanned.
    public init(enforcer: PolicyEnforcer, cache: DecisionCache? = nil) {
        self.enforcer = enforcer
        self.cache = cache
    }

    /// Scans `body` for `context` (whose session receives the placeholders). `useCache`: look
    /// messages up in the cache (only for sessions that last beyond one request).
    public func scan(_ body: JSONValue, context: MessageContext, useCache: Bool = true) throws(EnforcementError) -> RequestScan {
        var walk = Walk(enforcer: enforcer, context: context)
        let output: JSONValue
        if let cache, useCache, context.session != nil, case .object(let members) = body {
            output = try cachedObject(members, walk: &walk, cache: cache)
        } else {
            output = try walk.value(body, depth: 0)
        }
        let blocked = walk.action == .block
        return RequestScan(
            body: blocked ? nil : output, level: walk.level, action: walk.action, detectorCounts: walk.counts,
            isComplete: walk.isComplete, explanation: walk.explanation, irreversibleReplacements: walk.irreversible)
    }

    /// The top-level object: each element of an array member through the cache, the rest
    /// scanned.
    private func cachedObject(_ members: [JSONMember], walk: inout Walk, cache: DecisionCache) throws(EnforcementError) -> JSONValue {
        var output: [JSONMember] = []
        output.reserveCapacity(members.count)
        for member in members {
            let name = try walk.text(Array(member.name.utf8))
            let value: JSONValue
            if case .array(let elements) = member.value {
                var scanned: [JSONValue] = []
                scanned.reserveCapacity(elements.count)
                for element in elements { scanned.append(try cachedElement(element, walk: &walk, cache: cache)) }
                value = .array(scanned)
            } else {
                value = try walk.value(member.value, depth: 0)
            }
            output.append(JSONMember(name: String(decoding: name, as: UTF8.self), value: value))
        }
        return .object(output)
    }

    /// One message: the cached decision when there is one whose placeholders the session still
    /// knows, else a scan (stored when complete and fully reversible).
    private func cachedElement(_ element: JSONValue, walk: inout Walk, cache: DecisionCache) throws(EnforcementError) -> JSONValue {
        let bytes = element.serialized()
        let key = DecisionCache.key(for: bytes, context: walk.context, policy: enforcer.policy)
        let session = walk.context.session ?? ""
        let usable = { (entry: DecisionCache.Entry) in
            entry.placeholders.allSatisfy { placeholder in
                placeholder.withUnsafeBufferPointer { enforcer.restore($0, session: session).count == 1 }
            }
        }
        if let entry = cache.entry(for: key, isUsable: usable) {
            walk.level = max(walk.level, entry.level)
            if entry.action > walk.action { walk.action = entry.action }
            for (id, count) in entry.counts { walk.counts[id, default: 0] += count }
            if entry.action == .block, walk.explanation == nil { walk.explanation = entry.explanation }
            return entry.output
        }
        var part = Walk(enforcer: enforcer, context: walk.context)
        let output = try part.value(element, depth: 0)
        walk.level = max(walk.level, part.level)
        if part.action > walk.action { walk.action = part.action }
        for (id, count) in part.counts { walk.counts[id, default: 0] += count }
        if !part.isComplete { walk.isComplete = false }
        if walk.explanation == nil { walk.explanation = part.explanation }
        walk.irreversible += part.irreversible
        if part.isComplete, part.irreversible == 0 {
            let serialized = output.serialized()
            let placeholders = serialized.withUnsafeBufferPointer { buffer in
                PlaceholderSyntax.reversibleRanges(in: buffer).map { Array(buffer[$0]) }
            }
            cache.store(
                DecisionCache.Entry(
                    output: output, level: part.level, action: part.action, counts: part.counts, explanation: part.explanation,
                    placeholders: placeholders, cost: serialized.count + bytes.count / 8 + 256),
                for: key)
        }
        return output
    }

    /// The highest level of any string of `body` for `context`, without replacing anything; for
    /// classification-based routing.
    public func level(of body: JSONValue, context: MessageContext) throws(EnforcementError) -> Level {
        var walk = Walk(enforcer: enforcer, context: context, replacing: false)
        _ = try walk.value(body, depth: 0)
        return walk.level
    }

    /// The state of one walk over a body.
    private struct Walk {
        let enforcer: PolicyEnforcer
        let context: MessageContext
        var replacing = true
        var level: Level = .public
        var action: PolicyAction = .allow
        var counts: [String: Int] = [:]
        var isComplete = true
        var explanation: String?
        var irreversible = 0

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
            let enforcement = try enforcer.enforce(bytes: bytes, context: context, replacement: replacing ? .reversiblePlaceholder : nil)
            let decision = enforcement.decision
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

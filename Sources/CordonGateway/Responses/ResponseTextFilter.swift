import Cordon
import CordonGuard
import Synchronization

/// Filters the text a model sends back to one client: it redacts sensitive values the upstream
/// produced (they were not sent by this client: the client's own values reach the upstream only
/// as placeholders, which the scan reads as blanks), then puts the client's values back in place
/// of the session's placeholders.
///
/// New values are redacted when they are above the destination's level — the same line the
/// policy draws for what may leave — with the one-way `[REDACTED:<id>]` placeholder, whatever the
/// destination's action (a response cannot be un-sent, only masked). The filter counts what it
/// redacted, for the response's audit record.
public final class ResponseTextFilter: Sendable {
    let enforcer: PolicyEnforcer
    let context: MessageContext
    let holdBackLimit: Int
    private let tally = Mutex<[String: Int]>([:])
    /// Short strings this filter passed unchanged, holding nothing a restore could change (no
    /// placeholder): a stream repeats them in every event (`"id"`, `"object"`, `"model"`, event
    /// types), and the same string filtered in the same context gives the same answer, so each
    /// is scanned once per response.
    private let unchanged = Mutex<Set<[UInt8]>>([])
    /// Strings up to this length are remembered in ``unchanged``, at most ``unchangedLimit`` of them.
    static let unchangedLength = 128
    static let unchangedLimit = 256

    /// Creates a filter for one response, whose request was decided with `context` (its session
    /// holds the placeholders to restore).
    public init(enforcer: PolicyEnforcer, context: MessageContext, holdBackLimit: Int = StreamHoldBack.defaultLimit) {
        self.enforcer = enforcer
        self.context = context
        self.holdBackLimit = holdBackLimit
    }

    /// The number of upstream values redacted so far, by detector id.
    public var redactedCounts: [String: Int] { tally.withLock { $0 } }

    /// Filters one complete text: redacts new values, restores placeholders. `jsonDocument`:
    /// the text is a JSON document (a tool call's arguments), see ``restore(_:jsonDocument:tool:toolInput:preceding:precedingIsComplete:)``;
    /// `tool`: the tool whose arguments these are, when known; `toolInput`: a string inside a
    /// tool call's structured input (an Anthropic `tool_use` block's `input`).
    public func filter(_ bytes: [UInt8], jsonDocument: Bool = false, tool: String? = nil, toolInput: Bool = false) throws(ResponseFilterError) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        let remembered = bytes.count <= Self.unchangedLength && !jsonDocument
        if remembered, unchanged.withLock({ $0.contains(bytes) }) { return bytes }
        let spans = try newValueSpans(in: bytes)
        let output = restore(redact(bytes, spans: spans, from: 0, to: bytes.count), jsonDocument: jsonDocument, tool: tool, toolInput: toolInput)
        if remembered, output == bytes, bytes.withUnsafeBufferPointer({ PlaceholderSyntax.reversibleRanges(in: $0).isEmpty }) {
            unchanged.withLock { set in
                if set.count < Self.unchangedLimit { set.insert(bytes) }
            }
        }
        return output
    }

    /// The spans of `bytes` holding values above the destination's level, merged.
    func newValueSpans(in bytes: [UInt8]) throws(ResponseFilterError) -> [(range: Range<Int>, detectorID: String)] {
        let enforcement: Enforcement
        do {
            enforcement = try enforcer.enforce(bytes: bytes, context: context)
        } catch {
            throw .scanIncomplete
        }
        if !enforcement.scan.isComplete, enforcer.policy.failureMode == .closed { throw .scanIncomplete }
        return Engine.mergedSpans(enforcement.decision.aboveLimit)
    }

    /// `bytes[start..<end]` with the parts of `spans` inside it replaced by one-way placeholders.
    func redact(_ bytes: [UInt8], spans: [(range: Range<Int>, detectorID: String)], from start: Int, to end: Int) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(end - start)
        var copied = start
        var counts: [String: Int] = [:]
        for span in spans where span.range.upperBound > start && span.range.lowerBound < end {
            let lower = max(span.range.lowerBound, copied)
            let upper = min(span.range.upperBound, end)
            guard lower < upper else { continue }
            output += bytes[copied..<lower]
            output += PlaceholderSyntax.redacted(detectorID: span.detectorID)
            copied = upper
            counts[span.detectorID, default: 0] += 1
        }
        output += bytes[copied..<end]
        if !counts.isEmpty {
            tally.withLock { tally in
                for (id, count) in counts { tally[id, default: 0] += count }
            }
        }
        return output
    }

    /// `bytes` with the session's placeholders replaced by the client's values, as far as the
    /// policy's restore section lets them into reply text or a tool call's arguments (`jsonDocument`:
    /// the arguments as one JSON document in a string; `toolInput`: a string inside structured
    /// arguments) — of tool `tool` when its name is known, so that `restore.tools` applies;
    /// `preceding` is the text released before `bytes` (complete when it reaches the start of the
    /// field), read to tell whether a placeholder stands in a URL.
    ///
    /// In a JSON document held in a string (`jsonDocument`: a tool call's arguments) a model may
    /// write the placeholder with escapes (`\u27e6EMAIL_1_…\u27e7`), and a value put back must not
    /// break the document: there escaped placeholders are recognised too, and values are written
    /// with JSON string escapes.
    func restore(
        _ bytes: [UInt8], jsonDocument: Bool = false, tool: String? = nil, toolInput: Bool = false, preceding: [UInt8] = [],
        precedingIsComplete: Bool = true
    ) -> [UInt8] {
        guard let session = context.session, !bytes.isEmpty else { return bytes }
        guard jsonDocument else {
            let place: RestorePlace = toolInput ? .toolArguments(tool: tool) : .text
            return bytes.withUnsafeBufferPointer {
                enforcer.restore($0, session: session, into: place, preceding: preceding, precedingIsComplete: precedingIsComplete).bytes
            }
        }
        let text = PlaceholderEscapes.unescapingPlaceholders(bytes)
        let ranges = text.withUnsafeBufferPointer { PlaceholderSyntax.reversibleRanges(in: $0) }
        guard !ranges.isEmpty else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var copied = 0
        for range in ranges {
            let placeholder = Array(text[range])
            let inURL = URLContext.isInURL(text, at: range.lowerBound, preceding: preceding, precedingIsComplete: precedingIsComplete)
            let restored = placeholder.withUnsafeBufferPointer {
                enforcer.restore($0, session: session, into: .toolArguments(tool: tool), inURL: inURL)
            }
            guard restored.count == 1 else { continue }
            output += text[copied..<range.lowerBound]
            output += PlaceholderEscapes.jsonEscaped(restored.bytes)
            copied = range.upperBound
        }
        output += text[copied...]
        return output
    }
}

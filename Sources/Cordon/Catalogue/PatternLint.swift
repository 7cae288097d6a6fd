/// Warns about pattern shapes that make matching slow or unbounded.
///
/// Two shapes are reported: a repeated group that itself contains an unbounded repeat
/// (`(a+)+`, `(\w*,)*`), which can backtrack exponentially, and a pattern whose first consuming
/// element is an unbounded repeat of a class (`\w+@…`, `.*secret`), which retries from every
/// position and matches across the whole input. Possessive repeats (`a++`) and atomic groups are not
/// reported. The check reads the pattern text; it is a heuristic, not a proof.
enum PatternLint {
    /// Human-readable warnings for `pattern`, empty when none apply.
    static func warnings(for pattern: String) -> [String] {
        let bytes = Array(pattern.utf8)
        var warnings: [String] = []
        // Per open group: whether it holds an unbounded repeat, and whether it is atomic or a
        // lookaround (which do not count as consuming at the start).
        struct Frame {
            var hasUnbounded = false
            var isAtomic = false
            var isLookaround = false
            var start: Int
        }
        var stack = [Frame(start: 0)]
        var seenConsuming = false
        var index = 0

        /// Reads a quantifier at `position`: (is unbounded, is possessive, length).
        func quantifier(at position: Int) -> (unbounded: Bool, possessive: Bool, length: Int)? {
            guard position < bytes.count else { return nil }
            var length = 0
            var unbounded = false
            switch bytes[position] {
            case UInt8(ascii: "*"), UInt8(ascii: "+"):
                unbounded = true
                length = 1
            case UInt8(ascii: "?"):
                length = 1
            case UInt8(ascii: "{"):
                guard let close = bytes[position...].firstIndex(of: UInt8(ascii: "}")) else { return nil }
                let body = String(decoding: bytes[(position + 1)..<close], as: UTF8.self)
                let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                guard (1...2).contains(parts.count), parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), !parts[0].isEmpty else {
                    return nil  // a literal brace
                }
                unbounded = parts.count == 2 && parts[1].isEmpty
                length = close - position + 1
            default:
                return nil
            }
            let next = position + length
            if next < bytes.count, bytes[next] == UInt8(ascii: "+") { return (unbounded, true, length + 1) }
            if next < bytes.count, bytes[next] == UInt8(ascii: "?") { return (unbounded, false, length + 1) }
            return (unbounded, false, length)
        }

        /// Applies the quantifier after an atom ending at `index`; returns the new index. A
        /// leading repeat is reported only for classes (a repeated literal is found by search).
        func afterAtom(_ atomStart: Int, consuming: Bool, innerUnbounded: Bool, atomic: Bool, isLiteral: Bool = false) -> Int {
            let quantified = quantifier(at: index)
            let unbounded = quantified.map { $0.unbounded && !$0.possessive } ?? false
            if unbounded, innerUnbounded, !atomic {
                warnings.append("nested unbounded repeat at offset \(atomStart): a repeated group contains an unbounded repeat, which can backtrack exponentially")
            }
            if consuming, !seenConsuming, stack.allSatisfy({ !$0.isLookaround }) {
                if unbounded, !isLiteral {
                    warnings.append("the pattern starts with an unbounded repeat at offset \(atomStart): it is tried from every position; start with a literal or bound the repeat")
                }
                seenConsuming = true
            }
            if unbounded || innerUnbounded { stack[stack.count - 1].hasUnbounded = true }
            return index + (quantified?.length ?? 0)
        }

        while index < bytes.count {
            let byte = bytes[index]
            let atomStart = index
            switch byte {
            case UInt8(ascii: "\\"):
                index = min(index + 2, bytes.count)
                let letter = atomStart + 1 < bytes.count ? bytes[atomStart + 1] : 0
                // \b, \B, \A, \z, \Z, \G and \K consume nothing.
                let assertion = "bBAzZGK".utf8.contains(letter)
                let isClass = "dDwWsShHvVNRXpP".utf8.contains(letter)
                index = afterAtom(atomStart, consuming: !assertion, innerUnbounded: false, atomic: false, isLiteral: !isClass)
            case UInt8(ascii: "["):
                var position = index + 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "^") { position += 1 }
                if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1 }
                while position < bytes.count, bytes[position] != UInt8(ascii: "]") {
                    position += bytes[position] == UInt8(ascii: "\\") ? 2 : 1
                }
                index = min(position + 1, bytes.count)
                index = afterAtom(atomStart, consuming: true, innerUnbounded: false, atomic: false)
            case UInt8(ascii: "("):
                var frame = Frame(start: index)
                var position = index + 1
                if position < bytes.count, bytes[position] == UInt8(ascii: "?") {
                    let rest = bytes[(position + 1)...]
                    if rest.starts(with: "=".utf8) || rest.starts(with: "!".utf8) || rest.starts(with: "<=".utf8)
                        || rest.starts(with: "<!".utf8)
                    {
                        frame.isLookaround = true
                    } else if rest.starts(with: ">".utf8) {
                        frame.isAtomic = true
                    } else if let close = rest.firstIndex(where: { $0 == UInt8(ascii: ")") || $0 == UInt8(ascii: ":") }),
                        bytes[close] == UInt8(ascii: ")")
                    {
                        // An option setting such as (?i): no group.
                        index = close + 1
                        continue
                    }
                    position += 1
                } else if position < bytes.count, bytes[position] == UInt8(ascii: "*") {
                    // A verb such as (*SKIP) or (*F).
                    index = bytes[position...].firstIndex(of: UInt8(ascii: ")")).map { $0 + 1 } ?? bytes.count
                    continue
                }
                stack.append(frame)
                index += 1
            case UInt8(ascii: ")"):
                index += 1
                guard stack.count > 1 else { continue }
                let frame = stack.removeLast()
                index = afterAtom(
                    frame.start, consuming: !frame.isLookaround, innerUnbounded: frame.hasUnbounded, atomic: frame.isAtomic)
            case UInt8(ascii: "|"), UInt8(ascii: "^"), UInt8(ascii: "$"):
                index += 1
            default:
                index += 1
                index = afterAtom(
                    atomStart, consuming: true, innerUnbounded: false, atomic: false, isLiteral: byte != UInt8(ascii: "."))
            }
        }
        return warnings
    }
}

extension Detector {
    /// Warnings about this detector's pattern shape (see `cordon detectors check`).
    public var patternWarnings: [String] { PatternLint.warnings(for: pattern) }
}

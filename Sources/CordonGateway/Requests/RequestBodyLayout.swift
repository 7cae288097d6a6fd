#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the parts of a JSON object body lie in its bytes: each top-level member's name and
/// value, and, for a member whose value is an array (`messages`, `input`, `tools`), each
/// element's bytes.
///
/// A conversation resent every turn is mostly messages the gateway has already scanned: with
/// their byte ranges it can look each message up by a hash of its bytes as received, forward the
/// bytes of unchanged parts as they came and splice in only the rewritten ones — instead of
/// parsing, re-serialising and hashing the whole body on every request. The layout finds value
/// boundaries only (strings with their escapes, bracket nesting); it does not validate. The
/// caller parses every part it has not seen before with the strict parser, and a part it has seen
/// is byte for byte one that parsed before, so the body as a whole is held to the same rules. Any
/// shape the layout does not expect (not an object, text after it, a duplicate member name,
/// nesting deeper than the parser allows) gives `nil`, and the caller falls back to parsing the
/// whole body, which reports the error.
struct RequestBodyLayout {
    /// One top-level member.
    struct Member {
        /// The member name's bytes, quotes included.
        var nameRange: Range<Int>
        /// The value's bytes.
        var valueRange: Range<Int>
        /// Each element's bytes when the value is an array.
        var elements: [Range<Int>]?
    }

    /// The members in order.
    var members: [Member]

    /// The deepest nesting the layout accepts: the strict parser's limit, as each part is parsed
    /// two levels below the document's top.
    static let maximumDepth = 510

    /// Reads the layout of `bytes`, or `nil` when they are not a JSON object of the expected shape.
    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var reader = Reader(bytes: bytes)
        guard let members = reader.object() else { return nil }
        self.members = members
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

        /// The top-level object, to the end of the input.
        mutating func object() -> [Member]? {
            skipWhitespace()
            guard peek() == UInt8(ascii: "{") else { return nil }
            index += 1
            var members: [Member] = []
            var names = Set<ArraySlice<UInt8>>()
            skipWhitespace()
            if peek() == UInt8(ascii: "}") {
                index += 1
            } else {
                while true {
                    skipWhitespace()
                    guard peek() == UInt8(ascii: "\""), let nameRange = string() else { return nil }
                    // Names are compared as written: two spellings of one name (an escape) are
                    // left to the strict parser.
                    let name = ArraySlice(bytes[nameRange])
                    guard !name.contains(UInt8(ascii: "\\")), names.insert(name).inserted else { return nil }
                    skipWhitespace()
                    guard peek() == UInt8(ascii: ":") else { return nil }
                    index += 1
                    skipWhitespace()
                    let start = index
                    guard let first = peek() else { return nil }
                    var elements: [Range<Int>]? = nil
                    if first == UInt8(ascii: "[") {
                        guard let items = array() else { return nil }
                        elements = items
                    } else {
                        guard value(depth: 1) else { return nil }
                    }
                    members.append(Member(nameRange: nameRange, valueRange: start..<index, elements: elements))
                    skipWhitespace()
                    guard let next = peek() else { return nil }
                    index += 1
                    if next == UInt8(ascii: ",") { continue }
                    guard next == UInt8(ascii: "}") else { return nil }
                    break
                }
            }
            skipWhitespace()
            return index == bytes.count ? members : nil
        }

        /// An array member's elements.
        mutating func array() -> [Range<Int>]? {
            index += 1
            var elements: [Range<Int>] = []
            skipWhitespace()
            if peek() == UInt8(ascii: "]") {
                index += 1
                return elements
            }
            while true {
                skipWhitespace()
                let start = index
                guard value(depth: 2) else { return nil }
                elements.append(start..<index)
                skipWhitespace()
                guard let next = peek() else { return nil }
                index += 1
                if next == UInt8(ascii: ",") { continue }
                return next == UInt8(ascii: "]") ? elements : nil
            }
        }

        /// Skips one value starting at `index` (already at its first byte), at nesting `depth`.
        mutating func value(depth: Int) -> Bool {
            guard let first = peek() else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return string() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var level = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    switch byte {
                    case UInt8(ascii: "\""):
                        guard string() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        level += 1
                        guard depth + level <= RequestBodyLayout.maximumDepth else { return false }
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        level -= 1
                        if level == 0 {
                            index += 1
                            return true
                        }
                    default:
                        break
                    }
                    index += 1
                }
                return false
            default:
                // A number or a literal: up to the next delimiter.
                let start = index
                while index < bytes.count {
                    switch bytes[index] {
                    case UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"), 0x20, 0x09, 0x0A, 0x0D:
                        return index > start
                    default:
                        index += 1
                    }
                }
                return index > start
            }
        }

        /// Skips a string starting at its opening quote; returns its range, quotes included.
        ///
        /// The closing quote is the first `"` after an even run of backslashes (an odd run escapes
        /// it), found with `memchr`: a conversation body is mostly long strings, and a byte-by-byte
        /// walk over them was the layout's whole cost (13.7 % of the gateway's CPU for a 400 KB
        /// resent conversation, perf).
        mutating func string() -> Range<Int>? {
            let start = index
            guard let base = bytes.baseAddress else { return nil }
            var from = index + 1
            while from < bytes.count {
                guard let found = memchr(base + from, Int32(UInt8(ascii: "\"")), bytes.count - from) else { return nil }
                let quote = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                var before = quote - 1
                while before > start, bytes[before] == UInt8(ascii: "\\") { before -= 1 }
                if (quote - 1 - before) % 2 == 0 {
                    index = quote + 1
                    return start..<index
                }
                from = quote + 1
            }
            return nil
        }
    }
}

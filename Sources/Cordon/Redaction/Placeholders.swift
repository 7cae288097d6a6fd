import Foundation
import Synchronization

/// Recognises Cordon's own replacement tokens, so redacted output is never redacted again.
///
/// A generic detector (a password after `password=`) would otherwise take
/// `[REDACTED:password]` — or a reversible `⟦PASSWORD_1⟧` — for a password, and redacting twice
/// would differ from redacting once. Only a value made of placeholders and punctuation is
/// skipped: a value with letters or digits outside a placeholder (`[REDACTED:x]hunter2`) is
/// still reported.
enum Placeholders {
    /// `[REDACTED:`, `[HMAC:` and `⟦` (U+27E6), each with the byte that closes it.
    private static let forms: [(opening: [UInt8], closing: [UInt8])] = [
        (PlaceholderSyntax.redactedOpening, [PlaceholderSyntax.bracketClosing]),
        (PlaceholderSyntax.keyedHashOpening, [PlaceholderSyntax.bracketClosing]),
        (PlaceholderSyntax.reversibleOpening, PlaceholderSyntax.reversibleClosing),
    ]

    /// Whether `value` holds at least one placeholder and no letter or digit outside them.
    ///
    /// Every candidate value of every detector is asked first, and nearly none holds a
    /// placeholder's first byte (`[` or 0xE2, the lead byte of `⟦`): two `memchr` calls answer
    /// that instead of a closure per byte (300 instructions a value, 19 M of the dense corpus'
    /// 2,445 M, callgrind; #13).
    static func isRedacted(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = value.baseAddress,
            memchr(base, Int32(UInt8(ascii: "[")), value.count) != nil || memchr(base, 0xE2, value.count) != nil
        else {
            return false
        }
        var index = 0
        var sawPlaceholder = false
        while index < value.count {
            if value[index] == UInt8(ascii: "[") || value[index] == 0xE2,
                let form = forms.first(where: { value[index...].starts(with: $0.opening) }),
                let close = firstIndex(of: form.closing, in: value, from: index + form.opening.count),
                value[(index + form.opening.count)..<close].allSatisfy(isTokenByte)
            {
                sawPlaceholder = true
                index = close + form.closing.count
                continue
            }
            if ByteClass.isAlphanumeric(value[index]) { return false }
            index += 1
        }
        return sawPlaceholder
    }

    private static func firstIndex(of needle: [UInt8], in value: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index + needle.count <= value.count {
            if value[index...].starts(with: needle) { return index }
            index += 1
        }
        return nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        ByteClass.isAlphanumeric(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "_")
    }
}

/// Where Cordon's own replacement tokens stand in a message, so a scan can treat them as blank.
///
/// A placeholder is opaque to detectors: its `:` and `]` are not separators of a URL's user
/// information, and the detector id inside it (`…-secret]`) is not a key name. Only the tokens
/// Cordon itself writes for this engine's detectors count — `[REDACTED:<id>]`,
/// `[HMAC:<id>:<16 hex digits>]` and `⟦<TYPE>_<n>_<tag>⟧` (or the untagged `⟦<TYPE>_<n>⟧` of
/// earlier versions) with a known id or type — so wrapping a
/// value in brackets of one's own never hides it.
struct PlaceholderMask: Sendable {
    /// The detector ids and reversible types that count, made on first need.
    private let names: Names

    private static let redacted = PlaceholderSyntax.redactedOpening
    private static let hmac = PlaceholderSyntax.keyedHashOpening
    private static let reversibleOpening = PlaceholderSyntax.reversibleOpening
    private static let reversibleClosing = PlaceholderSyntax.reversibleClosing
    /// The second byte of each opening: a `[` or a 0xE2 followed by another byte starts none.
    private static let openingSecondBytes: ByteSet = {
        var bytes = ByteSet()
        for opening in [redacted, hmac, reversibleOpening] where opening.count > 1 { bytes.insert(opening[1]) }
        return bytes
    }()
    /// The longest detector id or type looked for.
    private let longestName: Int

    init(detectorIDs: [String]) {
        names = Names(detectorIDs: detectorIDs)
        longestName = detectorIDs.reduce(0) { max($0, $1.utf8.count) }
    }

    /// The detector ids and reversible types that count, looked up among the ids themselves.
    ///
    /// Most messages hold no placeholder, and building sets of both for 500 detectors was 2.6 M
    /// instructions of every engine's creation, 5 % of a hook process (callgrind); built on first
    /// need instead, they were still 2.65 M of every hook process whose output is redacted (the
    /// settle loop rescans the placeholders it wrote). A lookup compares the name with each id
    /// of the same length — a few thousand instructions, for a few dozen placeholders a message.
    private final class Names: Sendable {
        private let detectorIDs: [String]
        /// Whether every id is ASCII (then an id's type is its bytes upper-cased, `_` for `-`),
        /// found on first need.
        private let allASCII = Mutex<Bool?>(nil)

        init(detectorIDs: [String]) { self.detectorIDs = detectorIDs }

        /// Whether `name` is one of the detector ids.
        func containsID(_ name: [UInt8]) -> Bool {
            detectorIDs.contains { $0.utf8.count == name.count && $0.utf8.elementsEqual(name) }
        }

        /// Whether `name` is the reversible type of one of the detectors.
        func containsType(_ name: [UInt8]) -> Bool {
            let ascii = allASCII.withLock { known in
                if known == nil { known = detectorIDs.allSatisfy { $0.utf8.allSatisfy { $0 < 0x80 } } }
                return known!
            }
            guard ascii else { return detectorIDs.contains { PlaceholderSyntax.reversibleType(for: $0).utf8.elementsEqual(name) } }
            // `PlaceholderSyntax.reversibleType(for:)` of an ASCII id, byte by byte.
            return detectorIDs.contains { id in
                id.utf8.count == name.count
                    && id.utf8.elementsEqual(name) { byte, typeByte in
                        (byte == UInt8(ascii: "-") ? UInt8(ascii: "_") : (byte &- UInt8(ascii: "a") < 26 ? byte - 32 : byte)) == typeByte
                    }
            }
        }
    }

    /// The ranges of placeholders in `text`, ascending and disjoint.
    func ranges(in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        guard let base = text.baseAddress, !text.isEmpty else { return [] }
        var result: [Range<Int>] = []
        // The next `[` and the next 0xE2 (U+27E6's lead byte) at or after `offset`, each found
        // again only once passed, so the search stays linear.
        func next(_ byte: UInt8, from offset: Int) -> Int {
            guard offset < text.count, let found = memchr(base + offset, Int32(byte), text.count - offset) else {
                return text.count
            }
            return UnsafeRawPointer(found) - UnsafeRawPointer(base)
        }
        let openingSecondBytes = Self.openingSecondBytes
        var offset = 0
        var bracket = next(UInt8(ascii: "["), from: 0)
        var lead = next(0xE2, from: 0)
        while offset < text.count {
            if bracket < offset { bracket = next(UInt8(ascii: "["), from: offset) }
            if lead < offset { lead = next(0xE2, from: offset) }
            let start = min(bracket, lead)
            guard start < text.count else { break }
            // Most `[` open a list or an index, not a placeholder: their next byte starts no
            // opening, and the full comparison is not made (194,531 of them in the agent corpus,
            // 33 M instructions, #13).
            if start + 1 < text.count, !openingSecondBytes.contains(text[start + 1]) {
                offset = start + 1
                continue
            }
            if let end = placeholderEnd(at: start, in: text) {
                result.append(start..<end)
                offset = end
            } else {
                offset = start + 1
            }
        }
        return result
    }

    /// A copy of `text` with every placeholder's bytes replaced by spaces, or `nil` when it has
    /// none.
    func masked(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let found = ranges(in: text)
        guard !found.isEmpty else { return nil }
        var copy = Array(text)
        for range in found {
            for index in range { copy[index] = UInt8(ascii: " ") }
        }
        return copy
    }

    /// The end of the placeholder starting at `start`, if one does.
    private func placeholderEnd(at start: Int, in text: UnsafeBufferPointer<UInt8>) -> Int? {
        let rest = UnsafeBufferPointer(rebasing: text[start...])
        if rest.starts(with: Self.redacted) {
            let nameStart = start + Self.redacted.count
            guard let close = index(of: PlaceholderSyntax.bracketClosing, in: text, from: nameStart),
                names.containsID(Array(text[nameStart..<close]))
            else { return nil }
            return close + 1
        }
        if rest.starts(with: Self.hmac) {
            let digits = PlaceholderSyntax.keyedHashDigits
            let nameStart = start + Self.hmac.count
            guard let colon = index(of: UInt8(ascii: ":"), in: text, from: nameStart),
                names.containsID(Array(text[nameStart..<colon])),
                colon + digits + 2 <= text.count, text[colon + digits + 1] == PlaceholderSyntax.bracketClosing,
                text[(colon + 1)..<(colon + digits + 1)].allSatisfy(ByteClass.isLowercaseHexDigit)
            else { return nil }
            return colon + digits + 2
        }
        if rest.starts(with: Self.reversibleOpening) {
            let nameStart = start + Self.reversibleOpening.count
            var close = nameStart
            while close < text.count, close - nameStart <= longestName + 20, text[close] != 0xE2 { close += 1 }
            guard close < text.count, UnsafeBufferPointer(rebasing: text[close...]).starts(with: Self.reversibleClosing),
                let type = PlaceholderSyntax.reversibleTypeRange(ofInside: text[nameStart..<close]),
                names.containsType(Array(text[type]))
            else { return nil }
            return close + Self.reversibleClosing.count
        }
        return nil
    }

    /// The first index of `byte` at or after `start`, within a detector id's length.
    private func index(of byte: UInt8, in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < text.count, index - start <= longestName {
            if text[index] == byte { return index }
            index += 1
        }
        return nil
    }

}

/// Decoding binary data that the build embeds in a string literal.
///
/// A Swift string literal holds UTF-8 text, not arbitrary bytes, so the build (`CordonEmbed`)
/// writes each byte as the character with that number: bytes below 0x80 as themselves, the rest
/// as two-byte UTF-8 sequences (U+0080–U+00FF). Decoding is one branch-light pass, about a third
/// of base64's cost; it runs at every start-up (the keyword database is ~0.6 MB).
enum LatinBytes {
    /// The bytes encoded in `text`; `nil` if `text` holds a character above U+00FF.
    static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var valid = true
        let bytes = [UInt8](unsafeUninitializedCapacity: text.count) { out, count in
            var written = 0
            var index = 0
            let end = text.count
            let raw = UnsafeRawPointer(text.baseAddress)
            let target = UnsafeMutableRawPointer(out.baseAddress)
            while index < end {
                // Eight bytes below 0x80 at once: they are copied as they are (most of a
                // serialized database is such bytes, and this runs at every start-up).
                if index &+ 8 <= end, let raw, let target {
                    let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                    if word & 0x8080_8080_8080_8080 == 0 {
                        target.storeBytes(of: word, toByteOffset: written, as: UInt64.self)
                        index &+= 8
                        written &+= 8
                        continue
                    }
                }
                let byte = text[index]
                if byte < 0x80 {
                    out[written] = byte
                    index &+= 1
                } else if byte & 0xFE == 0xC2, index + 1 < end {
                    out[written] = byte << 6 | text[index &+ 1] & 0x3F
                    index &+= 2
                } else {
                    valid = false
                    break
                }
                written &+= 1
            }
            count = written
        }
        return valid ? bytes : nil
    }
}

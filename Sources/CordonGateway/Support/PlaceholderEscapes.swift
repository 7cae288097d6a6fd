import Cordon

/// Reversible placeholders inside JSON documents held in strings.
enum PlaceholderEscapes {
    /// `bytes` with `\u27e6` and `\u27e7` (any case) turned into `⟦` and `⟧`, so that escaped
    /// placeholders are found; other escapes are left as they are.
    static func unescapingPlaceholders(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "\\")) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 6 <= bytes.count, bytes[index + 1] == UInt8(ascii: "u"),
                let scalar = UInt32(String(decoding: bytes[(index + 2)..<(index + 6)], as: UTF8.self), radix: 16),
                scalar == 0x27E6 || scalar == 0x27E7
            {
                output += scalar == 0x27E6 ? PlaceholderSyntax.reversibleOpening : PlaceholderSyntax.reversibleClosing
                index += 6
                continue
            }
            if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count {
                // Copy an escape pair whole, so `\\u27e6` (an escaped backslash) is not read as one.
                output += bytes[index...(index + 1)]
                index += 2
                continue
            }
            output.append(bytes[index])
            index += 1
        }
        return output
    }

    /// `value` escaped for the inside of a JSON string: `"`, `\\` and control characters.
    static func jsonEscaped(_ value: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(value.count)
        let hex = Array("0123456789abcdef".utf8)
        for byte in value {
            switch byte {
            case UInt8(ascii: "\""): output += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x0A: output += Array("\\n".utf8)
            case 0x0D: output += Array("\\r".utf8)
            case 0x09: output += Array("\\t".utf8)
            case 0..<0x20: output += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        return output
    }
}

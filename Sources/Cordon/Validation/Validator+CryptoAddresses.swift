import Crypto

/// Checks for cryptocurrency addresses: Base58Check (Bitcoin legacy and P2SH), Bech32/Bech32m
/// (SegWit) and EIP-55 mixed-case checksums (Ethereum).
extension Validator {
    private static let base58Alphabet = Array("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".utf8)
    private static let base58Values: [Int8] = {
        var table = [Int8](repeating: -1, count: 256)
        for (index, byte) in base58Alphabet.enumerated() { table[Int(byte)] = Int8(index) }
        return table
    }()

    /// Base58Check: the last 4 decoded bytes are the start of SHA-256(SHA-256(the rest)).
    static func hasValidBase58Check(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (20...120).contains(value.count) else { return false }
        var bytes: [UInt8] = []  // big-endian number, built digit by digit
        for byte in value {
            let digit = base58Values[Int(byte)]
            guard digit >= 0 else { return false }
            var carry = Int(digit)
            for index in bytes.indices.reversed() {
                carry += Int(bytes[index]) * 58
                bytes[index] = UInt8(carry & 0xFF)
                carry >>= 8
            }
            while carry > 0 {
                bytes.insert(UInt8(carry & 0xFF), at: 0)
                carry >>= 8
            }
        }
        let leadingZeros = value.prefix { $0 == UInt8(ascii: "1") }.count
        let decoded = [UInt8](repeating: 0, count: leadingZeros) + bytes
        guard decoded.count > 4 else { return false }
        let payload = decoded.dropLast(4)
        let digest = SHA256.hash(data: Array(SHA256.hash(data: Array(payload))))
        return Array(digest.prefix(4)) == Array(decoded.suffix(4))
    }

    private static let bech32Charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)

    /// Bech32 (BIP-173) or Bech32m (BIP-350): one case throughout, a human-readable part, `1`,
    /// and data whose polymod checksum is 1 (Bech32) or 0x2bc830a3 (Bech32m).
    static func hasValidBech32(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard (8...90).contains(value.count) else { return false }
        let hasLower = value.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }
        let hasUpper = value.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
        guard !(hasLower && hasUpper), let separator = value.lastIndex(of: UInt8(ascii: "1")),
            separator >= 1, value.count - separator - 1 >= 6
        else { return false }
        let lower = value.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        let hrp = lower[..<separator]
        guard hrp.allSatisfy({ (33...126).contains($0) }) else { return false }
        var values: [UInt32] = hrp.map { UInt32($0 >> 5) } + [0] + hrp.map { UInt32($0 & 31) }
        for byte in lower[(separator + 1)...] {
            guard let index = bech32Charset.firstIndex(of: byte) else { return false }
            values.append(UInt32(index))
        }
        let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ value
            for bit in 0..<5 where (top >> UInt32(bit)) & 1 == 1 { checksum ^= generator[bit] }
        }
        return checksum == 1 || checksum == 0x2bc8_30a3
    }

    /// EIP-55: a `0x` address of 40 hex digits; when it mixes cases, each letter is upper case
    /// exactly when the matching nibble of Keccak-256(lowercase address) is 8 or more. Addresses
    /// in one case carry no checksum and pass.
    static func hasValidEIP55Checksum(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard value.count == 42, value[0] == UInt8(ascii: "0"), value[1] | 0x20 == UInt8(ascii: "x") else { return false }
        let hex = value[2...]
        guard hex.allSatisfy(ByteClass.isHexDigit) else { return false }
        let hasLower = hex.contains { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") }
        let hasUpper = hex.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") }
        guard hasLower && hasUpper else { return true }
        let lower = hex.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "F") ? $0 + 32 : $0 }
        let hash = Keccak256.hash(lower)
        for (index, byte) in hex.enumerated() where !ByteClass.isDigit(byte) {
            let nibble = index % 2 == 0 ? hash[index / 2] >> 4 : hash[index / 2] & 0x0F
            let isUpper = byte <= UInt8(ascii: "F")
            if isUpper != (nibble >= 8) { return false }
        }
        return true
    }

}

/// Keccak-256 as Ethereum uses it (the original Keccak padding, not SHA3-256's).
enum Keccak256 {
    private static let roundConstants: [UInt64] = [
        0x0000_0000_0000_0001, 0x0000_0000_0000_8082, 0x8000_0000_0000_808A, 0x8000_0000_8000_8000,
        0x0000_0000_0000_808B, 0x0000_0000_8000_0001, 0x8000_0000_8000_8081, 0x8000_0000_0000_8009,
        0x0000_0000_0000_008A, 0x0000_0000_0000_0088, 0x0000_0000_8000_8009, 0x0000_0000_8000_000A,
        0x0000_0000_8000_808B, 0x8000_0000_0000_008B, 0x8000_0000_0000_8089, 0x8000_0000_0000_8003,
        0x8000_0000_0000_8002, 0x8000_0000_0000_0080, 0x0000_0000_0000_800A, 0x8000_0000_8000_000A,
        0x8000_0000_8000_8081, 0x8000_0000_0000_8080, 0x0000_0000_8000_0001, 0x8000_0000_8000_8008,
    ]
    private static let rotations = [1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44]
    private static let lanes = [10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1]
    private static let rate = 136

    /// The 32-byte Keccak-256 digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var state = [UInt64](repeating: 0, count: 25)
        var padded = message
        padded.append(0x01)
        while padded.count % rate != 0 { padded.append(0) }
        padded[padded.count - 1] |= 0x80
        for block in stride(from: 0, to: padded.count, by: rate) {
            for lane in 0..<(rate / 8) {
                var word: UInt64 = 0
                for byte in 0..<8 { word |= UInt64(padded[block + lane * 8 + byte]) << (8 * UInt64(byte)) }
                state[lane] ^= word
            }
            permute(&state)
        }
        var digest: [UInt8] = []
        for lane in 0..<4 {
            for byte in 0..<8 { digest.append(UInt8(truncatingIfNeeded: state[lane] >> (8 * UInt64(byte)))) }
        }
        return digest
    }

    private static func rotate(_ value: UInt64, _ count: Int) -> UInt64 {
        (value << UInt64(count)) | (value >> UInt64(64 - count))
    }

    private static func permute(_ state: inout [UInt64]) {
        var columns = [UInt64](repeating: 0, count: 5)
        for round in 0..<24 {
            for x in 0..<5 { columns[x] = state[x] ^ state[x + 5] ^ state[x + 10] ^ state[x + 15] ^ state[x + 20] }
            for x in 0..<5 {
                let mix = columns[(x + 4) % 5] ^ rotate(columns[(x + 1) % 5], 1)
                for y in stride(from: 0, to: 25, by: 5) { state[y + x] ^= mix }
            }
            var carried = state[1]
            for index in 0..<24 {
                let lane = lanes[index]
                let next = state[lane]
                state[lane] = rotate(carried, rotations[index])
                carried = next
            }
            for y in stride(from: 0, to: 25, by: 5) {
                for x in 0..<5 { columns[x] = state[y + x] }
                for x in 0..<5 { state[y + x] ^= ~columns[(x + 1) % 5] & columns[(x + 2) % 5] }
            }
            state[0] ^= roundConstants[round]
        }
    }
}

/// Several byte classes held in shared pairs of nibble tables: each class is given as many bits
/// of a pair as its rows show different sets of low nibbles (``NibbleClass``), and classes share
/// a pair while their bits add up to eight. A byte is a member of a class when its entries in
/// the class's pair (low nibble & high nibble) share a bit with the class's bits.
///
/// The reason: ``DecoderMasks`` classifies every block of every decoder input by seven classes;
/// with a pair of tables each, that is fourteen `vpshufb` per 32 bytes, while the seven classes
/// need 24 bits together and fit three pairs, six `vpshufb` (#13).
struct PackedNibbleClasses: Sendable {
    /// The pairs' tables, 32 bytes each: the low-nibble table, then the high-nibble table.
    let tables: [UInt8]
    /// For each class, the pair its bits are in.
    let pairs: [UInt8]
    /// For each class, its bits in its pair.
    let bits: [UInt8]

    /// The classes in `classes`, packed in order (a class goes into the last pair when its bits
    /// still fit, else into a new one), or `nil` when a class's rows show more than eight
    /// different sets of low nibbles.
    init?(_ classes: [(UInt8) -> Bool]) {
        var tables: [UInt8] = []
        var pairs: [UInt8] = []
        var bits: [UInt8] = []
        var used = 8  // bits used in the last pair: a first class opens one
        for isMember in classes {
            // The class's rows by high nibble, and their different sets.
            var rows = [UInt16](repeating: 0, count: 16)
            for byte in 0...255 where isMember(UInt8(byte)) { rows[byte >> 4] |= 1 << UInt16(byte & 15) }
            var sets: [UInt16] = []
            for row in rows where row != 0 && !sets.contains(row) { sets.append(row) }
            guard sets.count <= 8 else { return nil }
            if tables.isEmpty || used + sets.count > 8 {
                tables += [UInt8](repeating: 0, count: 32)
                used = 0
            }
            let pair = tables.count / 32 - 1
            var classBits: UInt8 = 0
            for (group, set) in sets.enumerated() {
                let bit = UInt8(1) << UInt8(used + group)
                classBits |= bit
                for lowNibble in 0..<16 where set & (1 << UInt16(lowNibble)) != 0 { tables[32 * pair + lowNibble] |= bit }
                for highNibble in 0..<16 where rows[highNibble] == set { tables[32 * pair + 16 + highNibble] |= bit }
            }
            used += sets.count
            pairs.append(UInt8(pair))
            bits.append(classBits)
        }
        self.tables = tables
        self.pairs = pairs
        self.bits = bits
    }

    /// How many table pairs hold the classes.
    var pairCount: Int { tables.count / 32 }

    /// Whether `byte` is a member of class `index`, read off the tables as the vector code reads them.
    func contains(_ byte: UInt8, inClass index: Int) -> Bool {
        let pair = 32 * Int(pairs[index])
        return tables[pair + Int(byte & 0x0F)] & tables[pair + 16 + Int(byte >> 4)] & bits[index] != 0
    }
}

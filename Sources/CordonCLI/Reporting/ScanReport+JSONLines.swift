import Cordon

extension ScanReport {
    /// Appends one finding's JSON Lines record: the line `JSONValue.members([...]).write(to:)`
    /// wrote, member by member, with `path` already encoded as a JSON string.
    ///
    /// The fixed parts are copied from string literals' bytes, the numbers written as decimal
    /// digits in place, and the level and confidence names taken from literals: appending each
    /// part through `String.UTF8View` and each number through `String(_:)` cost 5,600
    /// instructions per finding, 126 M of the dense corpus' 2,445 M (callgrind; #13).
    static func appendFindingLine(_ finding: Finding, path: [UInt8], to bytes: inout [UInt8]) {
        appendLiteral(#"{"type":"finding","path":"#, to: &bytes)
        bytes.append(contentsOf: path)
        appendLiteral(#","start":"#, to: &bytes)
        appendDecimal(finding.range.lowerBound, to: &bytes)
        appendLiteral(#","end":"#, to: &bytes)
        appendDecimal(finding.range.upperBound, to: &bytes)
        appendLiteral(#","line":"#, to: &bytes)
        appendDecimal(finding.line, to: &bytes)
        appendLiteral(#","column":"#, to: &bytes)
        appendDecimal(finding.column, to: &bytes)
        appendLiteral(#","detector":"#, to: &bytes)
        appendString(finding.detectorID, to: &bytes)
        appendLiteral(#","category":"#, to: &bytes)
        appendString(finding.category.rawValue, to: &bytes)
        appendLiteral(#","level":"#, to: &bytes)
        appendLiteral(quotedName(of: finding.level), to: &bytes)
        appendLiteral(#","confidence":"#, to: &bytes)
        appendLiteral(quotedName(of: finding.confidence), to: &bytes)
        if finding.isTestValue { appendLiteral(#","test_value":true"#, to: &bytes) }
        if let layer = finding.layer {
            appendLiteral(#","layer":"#, to: &bytes)
            appendString(layer, to: &bytes)
        }
        appendLiteral("}\n", to: &bytes)
    }

    /// Appends a file's record, `{"type":"file","path":…,"level":…,"findings":N}` and a line
    /// feed, as `JSONValue.members([...]).write(to:)` writes it.
    ///
    /// The reason: building the record as a `JSONValue` (an array of members, a string per
    /// number) cost ~7,200 instructions a file — 14 % of a folder scan of 300-byte files
    /// (callgrind, 1,000 files, #13).
    static func appendFileLine(path: String, level: Level, findingCount: Int, to bytes: inout [UInt8]) {
        appendLiteral(#"{"type":"file","path":"#, to: &bytes)
        appendString(path, to: &bytes)
        appendLiteral(#","level":"#, to: &bytes)
        appendLiteral(quotedName(of: level), to: &bytes)
        appendLiteral(#","findings":"#, to: &bytes)
        appendDecimal(findingCount, to: &bytes)
        appendLiteral("}\n", to: &bytes)
    }

    /// `level.name` as a JSON string.
    static func quotedName(of level: Level) -> StaticString {
        switch level {
        case .public: #""public""#
        case .internal: #""internal""#
        case .confidential: #""confidential""#
        case .restricted: #""restricted""#
        }
    }

    /// `confidence.name` as a JSON string.
    static func quotedName(of confidence: Confidence) -> StaticString {
        switch confidence {
        case .low: #""low""#
        case .medium: #""medium""#
        case .high: #""high""#
        }
    }

    /// Appends the bytes of a string literal.
    @inline(__always)
    static func appendLiteral(_ literal: StaticString, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends `value` in decimal, as `String(value)` writes it.
    static func appendDecimal(_ value: Int, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        // 20 digits hold any 64-bit magnitude; written from the last digit back.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude != 0
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }
}

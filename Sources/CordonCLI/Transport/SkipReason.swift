/// Why an input of `cordon scan` was not scanned.
///
/// A folder scan lists every file it did not scan, with the reason, in every output format and
/// in the summary: a scan that skipped everything must not read as `0 findings in 0 files`. The
/// reason names the file's shape, never its content.
enum SkipReason: Sendable, Equatable {
    /// A file found while walking a folder with a NUL byte in its first 8 KiB that is not UTF-16
    /// text.
    case binary
    /// A file (walked or named) that could not be opened or read; `detail` is the system's reason (`permission
    /// denied`). Also an error: the scan exits 2.
    case unreadable(detail: String)
    /// UTF-16 text too large to decode: the engine decodes messages up to
    /// ``ScanLimits/maximumDecodedInput`` bytes, and a larger file is scanned as a stream of
    /// raw bytes, in which UTF-16 values cannot be found.
    case tooLarge(limit: Int)

    /// A one-word code for machine-readable formats: `binary`, `unreadable` or `too-large`.
    var code: String {
        switch self {
        case .binary: "binary"
        case .unreadable: "unreadable"
        case .tooLarge: "too-large"
        }
    }

    /// The reason in words, for the text format and SARIF.
    var explanation: String {
        switch self {
        case .binary: "binary (a NUL byte in the first 8 KiB)"
        case .unreadable(let detail): "unreadable (\(detail))"
        case .tooLarge(let limit): "too large (UTF-16 text over \(limit >> 20) MiB is not decoded)"
        }
    }
}

import Cordon

/// How much of a streamed field's newest text the gateway keeps back.
///
/// A sensitive value or a reversible placeholder can arrive one character per event. Text is
/// released once it can no longer be the start of either: the gateway holds back the trailing
/// run of non-white-space bytes (a value, a placeholder, a percent-encoded form — none holds a
/// space), extended over single spaces between digits (a card or phone number written in groups),
/// and at most ``defaultLimit`` bytes. So a value of up to `limit` bytes is always complete before
/// any of it is released, and is redacted whole; a longer run is released from its start once it
/// passes the limit (after scanning, so a complete value inside it is still redacted).
public enum StreamHoldBack {
    /// The default bound, in bytes: longer than any e-mail address, card, phone or national
    /// number and than the API keys of the built-in detectors.
    public static let defaultLimit = 256

    /// The number of bytes at the end of `bytes[start...]` to hold back, at most `limit`.
    static func length(of bytes: [UInt8], from start: Int, limit: Int) -> Int {
        var index = bytes.count
        while index > start, bytes.count - index < limit {
            let byte = bytes[index - 1]
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                // A single space between two digits does not end a grouped number.
                guard byte == UInt8(ascii: " "), index - 1 > start, index < bytes.count,
                    ByteClass.isDigit(bytes[index - 2]), ByteClass.isDigit(bytes[index])
                else { break }
            }
            index -= 1
        }
        return bytes.count - index
    }
}

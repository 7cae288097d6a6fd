/// Bounds on the work and memory one scan may use, so that no input can stall Cordon or exhaust
/// its memory.
///
/// Every pattern match runs with PCRE2's match and depth limits, and every message has a time
/// budget of ``timeBudget`` plus ``timeBudgetPerMegabyte`` for each megabyte of input, read
/// inside each detector's search, not only between detectors (``ScanDeadline``). A detector
/// that reaches a limit is reported as a ``DetectorFailure`` (by id, never with input), the scan
/// is incomplete, and callers treat the message as restricted (fail closed). A message larger
/// than ``window`` is scanned in overlapping windows, so a scan's working memory is bounded by
/// the window whatever the message's size.
public struct ScanLimits: Sendable, Hashable {
    /// PCRE2's match limit: how many times the matcher may call its internal match function in
    /// one match attempt.
    public var matchLimit: UInt32
    /// PCRE2's depth limit: how deep backtracking may nest in one match attempt.
    public var depthLimit: UInt32
    /// The time every message may take, whatever its size.
    public var timeBudget: Duration
    /// The further time each megabyte of a message may take.
    public var timeBudgetPerMegabyte: Duration
    /// How many encodings deep values are looked for (base64 inside percent-encoding is 2);
    /// `0` turns decoding off.
    public var decodingDepth: Int
    /// The largest piece of a message whose encodings are decoded at once. Messages are scanned
    /// in windows no larger than this, so decoding applies to messages of every size; a window
    /// configured larger makes such scans incomplete (fail closed) rather than skip decoding.
    public var maximumDecodedInput: Int
    /// The size of the windows a larger message is scanned in.
    public var window: Int
    /// How much consecutive windows share: a finding (with the context its detector reads) of
    /// at most half of it is found exactly as in a whole-message scan.
    public var windowOverlap: Int

    /// Creates limits; the defaults are ``default``'s.
    public init(
        matchLimit: UInt32 = 10_000_000, depthLimit: UInt32 = 10_000, timeBudget: Duration = .seconds(2),
        timeBudgetPerMegabyte: Duration = .seconds(1), decodingDepth: Int = 2, maximumDecodedInput: Int = 16 << 20,
        window: Int = 2 << 20, windowOverlap: Int = 256 << 10
    ) {
        self.decodingDepth = max(0, decodingDepth)
        self.maximumDecodedInput = maximumDecodedInput
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.timeBudget = timeBudget
        self.timeBudgetPerMegabyte = timeBudgetPerMegabyte
        // At least 2 bytes of overlap, and a window longer than its overlap.
        self.windowOverlap = max(2, windowOverlap)
        self.window = max(window, self.windowOverlap + 1)
    }

    /// 10 million match steps, depth 10,000, 2 seconds plus 1 second per megabyte (about twenty
    /// times what the built-in detectors need on ordinary text), decoding two layers deep, in
    /// windows of 2 MiB overlapping by 256 KiB (half the overlap, 128 KiB, holds the longest
    /// built-in match, a 64 KiB PGP key block, with its context).
    public static let `default` = ScanLimits()

    /// The budget for a message of `byteCount` bytes.
    func budget(forByteCount byteCount: Int) -> Duration {
        timeBudget + timeBudgetPerMegabyte * (Double(byteCount) / 1_000_000)
    }
}

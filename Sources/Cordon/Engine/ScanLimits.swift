/// Bounds on the work one scan may do, so that no input can stall Cordon.
///
/// Every pattern match runs with PCRE2's match and depth limits, and every message has a time
/// budget of ``timeBudget`` plus ``timeBudgetPerMegabyte`` for each megabyte of input. A detector
/// that reaches a limit is reported as a ``DetectorFailure`` (by id, never with input), the scan
/// is incomplete, and callers treat the message as restricted (fail closed).
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
    /// The largest message whose encodings are decoded; larger ones are scanned as they are.
    public var maximumDecodedInput: Int

    /// Creates limits; the defaults are ``default``'s.
    public init(
        matchLimit: UInt32 = 10_000_000, depthLimit: UInt32 = 10_000, timeBudget: Duration = .seconds(2),
        timeBudgetPerMegabyte: Duration = .seconds(1), decodingDepth: Int = 2, maximumDecodedInput: Int = 16 << 20
    ) {
        self.decodingDepth = max(0, decodingDepth)
        self.maximumDecodedInput = maximumDecodedInput
        self.matchLimit = matchLimit
        self.depthLimit = depthLimit
        self.timeBudget = timeBudget
        self.timeBudgetPerMegabyte = timeBudgetPerMegabyte
    }

    /// 10 million match steps, depth 10,000, 2 seconds plus 1 second per megabyte (about twenty
    /// times what the built-in detectors need on adversarial input), decoding two layers deep in
    /// messages up to 16 MiB.
    public static let `default` = ScanLimits()

    /// The budget for a message of `byteCount` bytes.
    func budget(forByteCount byteCount: Int) -> Duration {
        timeBudget + timeBudgetPerMegabyte * (Double(byteCount) / 1_000_000)
    }
}

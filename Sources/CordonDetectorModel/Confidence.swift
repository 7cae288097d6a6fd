/// How sure a detector is that a value is what it says: `low < medium < high`.
///
/// A detector sets a base confidence in its file (`confidence:`, default `medium`); context words
/// found near a value raise it by one step. Callers filter with `--min-confidence` or
/// ``ScanResult/filtered(minimumConfidence:)``.
public enum Confidence: Int, Sendable, Hashable, Comparable, CaseIterable, CustomStringConvertible {
    /// A plausible shape with little else to go on (a generic high-entropy assignment).
    case low
    /// A specific shape, or a generic one with supporting context.
    case medium
    /// A checksum, a unique prefix, or a specific shape with supporting context.
    case high

    /// Creates a confidence from its lowercase name.
    public init?(name: String) {
        switch name {
        case "low": self = .low
        case "medium": self = .medium
        case "high": self = .high
        default: return nil
        }
    }

    /// The lowercase name, as used in detector files and output.
    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        }
    }

    /// The lowercase name.
    public var description: String { name }

    @inlinable
    public static func < (lhs: Confidence, rhs: Confidence) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Words that, near a value, make a detector more certain — or that a value needs to be reported
/// at all.
///
/// A bare 9-digit number is an SSN only with "ssn" or "social security" near it: such a detector
/// sets `required`. Words match case-insensitively within ``window`` bytes before the value's
/// start or after its end, and not directly after a letter (so `dob` does not match inside
/// `adobe`).
public struct ContextRule: Sendable, Hashable {
    /// The context words.
    public var words: [String]
    /// How many bytes before and after the value are searched.
    public var window: Int
    /// Whether a value without a context word is dropped (otherwise it keeps its base confidence).
    public var required: Bool

    /// The window used when a detector file does not set one.
    public static let defaultWindow = 64

    /// Creates a context rule.
    public init(words: [String], window: Int = ContextRule.defaultWindow, required: Bool = false) {
        self.words = words
        self.window = window
        self.required = required
    }
}

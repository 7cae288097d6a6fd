/// Where the parts of a ``Guard`` come from: the options every front end takes.
///
/// `cordon serve`, `cordon hook` and `cordon policy check` take the same `--detectors`,
/// `--policy`, `--audit` and `--audit-key-file` options; an embedding program fills the same
/// fields. Empty fields mean the built-in detector set, the built-in policy and no audit trail.
public struct GuardConfiguration: Sendable {
    /// The policy file (YAML), or `nil` for the built-in policy.
    public var policyPath: String?
    /// Detector files or folders to use instead of the built-in set; empty for the built-in set.
    public var detectorPaths: [String]
    /// The audit file to append to, or `nil` for none.
    public var auditPath: String?
    /// The file whose bytes key the audit records' HMAC, or `nil` for unsigned records.
    public var auditKeyPath: String?
    /// The bounds of the reversible-placeholder sessions.
    public var placeholderLimits: PlaceholderLimits

    /// Creates a configuration.
    public init(
        policyPath: String? = nil, detectorPaths: [String] = [], auditPath: String? = nil, auditKeyPath: String? = nil,
        placeholderLimits: PlaceholderLimits = PlaceholderLimits()
    ) {
        self.policyPath = policyPath
        self.detectorPaths = detectorPaths
        self.auditPath = auditPath
        self.auditKeyPath = auditKeyPath
        self.placeholderLimits = placeholderLimits
    }
}

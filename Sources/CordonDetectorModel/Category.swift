/// The kind of data a detector finds.
///
/// Categories group detectors for reporting and for policy overrides; the level of a finding is
/// set per detector, not per category.
public enum Category: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Credentials: API keys, tokens, passwords, private keys, connection strings.
    case secret
    /// Personal data: e-mail addresses, phone numbers, government ids.
    case pii
    /// Payment and bank data: card numbers, IBANs, account numbers.
    case financial
    /// Health data: medical record and health-plan numbers.
    case health
    /// Internal infrastructure and document markings.
    case `internal`

    /// The lowercase name of the category, as used in detector files and output.
    public var description: String { rawValue }
}

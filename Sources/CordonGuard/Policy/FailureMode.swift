import Cordon

/// What a policy does with a message whose scan could not finish.
///
/// A scan is incomplete when a detector stops early (PCRE2's match limit, say): the message may
/// hold values that were not found. Failing closed blocks such a message; failing open decides
/// on what was found, accepting that something may have been missed.
public enum FailureMode: String, Sendable, Hashable, CaseIterable {
    /// Block messages whose scan is incomplete. The default.
    case closed
    /// Decide on the findings of an incomplete scan as if it were complete.
    case open
}

/// Documentation and test values of a detector: published example keys (`AKIAIOSFODNN7EXAMPLE`,
/// Stripe's `sk_test_…` samples), issuer test card numbers, SSNs in the never-issued 9xx area,
/// addresses at `example.com`.
///
/// Unlike an allowlisted placeholder, a test value is *found*: it is well formed, and nothing
/// but its spelling says it is harmless, so the filters (`PolicyEnforcer`, `cordon redact`)
/// redact it like any other value. `cordon scan` reports it with low confidence and the tag
/// `test value`, and does not fail a CI run on it. A value matches when it equals one of
/// ``values`` or one of ``patterns`` (PCRE2, searched in the value's bytes) matches it. In a
/// detector file: `allowlist: { test_values: { values: […], patterns: […] } }`.
public struct TestValues: Sendable, Hashable {
    /// Exact test values.
    public var values: [String]
    /// PCRE2 patterns; a value any of them matches is a test value.
    public var patterns: [String]

    /// Creates a list of test values.
    public init(values: [String] = [], patterns: [String] = []) {
        self.values = values
        self.patterns = patterns
    }

    /// Whether there are no entries.
    public var isEmpty: Bool { values.isEmpty && patterns.isEmpty }

    /// Returns this list with the entries of `other` added.
    public func merging(_ other: TestValues) -> TestValues {
        TestValues(values: values + other.values, patterns: patterns + other.patterns)
    }
}

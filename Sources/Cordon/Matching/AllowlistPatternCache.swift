/// The allowlist and test-value patterns compiled while an engine is created, shared by its
/// detectors: each pattern by its source, and each list's ``AllowlistMatcher`` by the list.
///
/// The reason for the second: most detector files share one allowlist (the built-in 512
/// detectors hold 70 distinct lists), and grouping a list into alternations
/// (``AllowlistCombination``) for every detector anew was 17 M instructions of a process's
/// start-up, a 42 M-instruction one-file scan grown to 65 M (callgrind, #13). A list seen
/// before is one dictionary lookup.
struct AllowlistPatternCache {
    /// A list of pattern sources as a dictionary key, hashed by its shape only (the number of
    /// sources and each one's length in bytes, read without touching the bytes) and compared in
    /// full. Hashing every byte of every source cost 1.2 M instructions of a hook process's
    /// start-up for 1,023 lookups (callgrind); lists that share a shape are told apart by `==`.
    struct ListKey: Hashable {
        let sources: [String]

        func hash(into hasher: inout Hasher) {
            hasher.combine(sources.count)
            for source in sources { hasher.combine(source.utf8.count) }
        }

        static func == (left: Self, right: Self) -> Bool { left.sources == right.sources }
    }

    /// Each pattern compiled alone, by its source (combined ones too, by theirs).
    var patterns: [String: CompiledPattern] = [:]
    /// Each list's matcher, by the list.
    var matchers: [ListKey: AllowlistMatcher] = [:]
}

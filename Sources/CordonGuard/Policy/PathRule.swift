import Cordon

/// A policy rule that raises the level of files whose path matches a glob.
///
/// Some files are sensitive whatever a scan finds in them: keys (`**/*.pem`), authentication
/// code (`**/auth/**`), infrastructure definitions (`infra/**`). A message with a `path` that a
/// rule matches has at least the rule's level. Content that is over a destination's level
/// because of its path cannot be made acceptable by redaction, so it is blocked.
public struct PathRule: Sendable, Hashable {
    /// The glob the path must match.
    public var glob: GlobPattern
    /// The lowest level a matching file has.
    public var level: Level

    /// Creates a rule.
    public init(glob: GlobPattern, level: Level) {
        self.glob = glob
        self.level = level
    }
}

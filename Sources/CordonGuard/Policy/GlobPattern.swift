import Cordon

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A path glob with `**`, as used by policy path rules and exceptions.
///
/// The pattern and the path are split at `/` and matched component by component: a `**`
/// component matches any number of components (none included), any other component is matched
/// against one path component with `fnmatch(3)` rules (`*`, `?`, `[a-z]`; `*` never crosses a
/// `/`). So `**/auth/**` matches `auth/login.go` and `src/auth/keys/a.pem`, `**/*.pem` matches
/// `a.pem` and `x/y/a.pem`, and `infra/**` matches everything under `infra`. A leading `./` and
/// repeated `/` in the path are ignored; a pattern that starts with `/` matches absolute paths
/// only, any other pattern relative paths only.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// The glob as written.
    public let pattern: String
    private let isAbsolute: Bool
    private let components: [String]

    /// Creates a glob, or returns `nil` for an empty pattern.
    public init?(_ pattern: String) {
        guard !pattern.isEmpty, !pattern.utf8.contains(0) else { return nil }
        self.pattern = pattern
        isAbsolute = pattern.hasPrefix("/")
        components = GlobPattern.split(pattern)
        guard !components.isEmpty else { return nil }
    }

    /// The glob as written.
    public var description: String { pattern }

    /// Whether `path` matches the glob.
    public func matches(_ path: String) -> Bool {
        guard path.hasPrefix("/") == isAbsolute, !path.utf8.contains(0) else { return false }
        let parts = GlobPattern.split(path)
        var memo = [Int8](repeating: -1, count: (components.count + 1) * (parts.count + 1))
        return match(0, 0, parts, &memo)
    }

    /// Splits at `/`, dropping empty and `.` components.
    private static func split(_ text: String) -> [String] {
        text.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
    }

    /// Whether components `i...` of the pattern match parts `j...` of the path (memoised, so a
    /// pattern with several `**` stays linear in practice).
    private func match(_ i: Int, _ j: Int, _ parts: [String], _ memo: inout [Int8]) -> Bool {
        let key = i * (parts.count + 1) + j
        if memo[key] >= 0 { return memo[key] == 1 }
        let result: Bool
        if i == components.count {
            result = j == parts.count
        } else if components[i] == "**" {
            result = match(i + 1, j, parts, &memo) || (j < parts.count && match(i, j + 1, parts, &memo))
        } else {
            result = j < parts.count && fnmatch(components[i], parts[j], 0) == 0 && match(i + 1, j + 1, parts, &memo)
        }
        memo[key] = result ? 1 : 0
        return result
    }
}

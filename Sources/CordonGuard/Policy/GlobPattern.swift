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
/// `a.pem` and `x/y/a.pem`, and `infra/**` matches everything under `infra`.
///
/// Paths are normalised before matching (``normalizedComponents(of:)``), so that no spelling of
/// a path escapes a rule: `\` separates like `/` (Windows paths), repeated separators and `.`
/// are dropped, and `..` removes the component before it (`src/../infra/a.tf` is
/// `infra/a.tf`; `infra/examples/../../certs/a.pem` is `certs/a.pem`, not a file under
/// `infra/examples`). A pattern that starts with `/` matches absolute paths only; a pattern
/// that starts with `**` matches absolute paths too (`**/.ssh/**` protects `/home/u/.ssh/id_rsa`
/// and `C:\Users\u\.ssh\id_rsa`); any other pattern matches relative paths only. A `..`
/// left at the start of a relative path is matched only by `..` or `**`, never by a wildcard.
public struct GlobPattern: Sendable, Hashable, CustomStringConvertible {
    /// The glob as written.
    public let pattern: String
    private let isAbsolute: Bool
    private let startsWithDoubleStar: Bool
    private let components: [String]

    /// Creates a glob, or returns `nil` for an empty pattern.
    public init?(_ pattern: String) {
        guard !pattern.isEmpty, !pattern.utf8.contains(0) else { return nil }
        self.pattern = pattern
        isAbsolute = pattern.hasPrefix("/")
        let written = Self.split(pattern)
        // Only a pattern written with `**` first reaches absolute paths: `./**` means the
        // folder's own tree (found by fuzz-paths: it matched `C:\\…`, so an exception for
        // `./**` lifted the path rules of every absolute path).
        startsWithDoubleStar = written.first == "**"
        components = written.filter { $0 != "." }
        guard !components.isEmpty else { return nil }
    }

    /// The glob as written.
    public var description: String { pattern }

    /// `FNM_CASEFOLD`, which glibc defines only for GNU sources (and Swift does not import); the
    /// same bit on Darwin and the BSDs.
    private static let caseFold: Int32 = 1 << 4

    /// Whether `path` matches the glob; with `ignoringCase`, letters match either case
    /// (`server.PEM` for `**/*.pem`).
    ///
    /// Ignoring case never matches less than matching with case: a path that matches exactly
    /// also matches ignoring case. Case folding alone would break that for a negated class —
    /// `[!a]` takes `A` with case but not folded (found by fuzz-paths) — and a rule that
    /// ignores case must protect at least what its exact spelling protects.
    public func matches(_ path: String, ignoringCase: Bool = false) -> Bool {
        guard !path.utf8.contains(0), let normalized = Self.normalizedComponents(of: path) else { return false }
        if normalized.isAbsolute != isAbsolute, !(normalized.isAbsolute && startsWithDoubleStar) { return false }
        let parts = normalized.components
        var memo = [Int8](repeating: -1, count: (components.count + 1) * (parts.count + 1))
        if match(0, 0, parts, 0, &memo) { return true }
        guard ignoringCase else { return false }
        memo = [Int8](repeating: -1, count: (components.count + 1) * (parts.count + 1))
        return match(0, 0, parts, Self.caseFold, &memo)
    }

    /// The components of `path` after normalisation, and whether it is absolute (`/…`, `\…`,
    /// or a drive letter such as `C:\…`); `nil` for an empty path.
    ///
    /// A `..` at the start of a relative path is kept (the path climbs out of the folder it is
    /// relative to, so no relative rule of that folder can claim it), and one at the root of an
    /// absolute path is dropped, as the file system does.
    public static func normalizedComponents(of path: String) -> (components: [String], isAbsolute: Bool)? {
        guard !path.isEmpty else { return nil }
        let raw = split(path, backslashToo: true)
        let hasDrive = raw.first.map { drive in
            let bytes = Array(drive.utf8)
            return bytes.count == 2 && bytes[1] == UInt8(ascii: ":") && ByteClass.isLetter(bytes[0])
        } ?? false
        let first = path.utf8.first
        let isAbsolute = first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") || hasDrive
        var components: [String] = []
        for component in raw where component != "." {
            if component == ".." {
                if let last = components.last, last != "..", !(hasDrive && components.count == 1) {
                    components.removeLast()
                } else if !isAbsolute {
                    components.append(component)
                }
            } else {
                components.append(component)
            }
        }
        return (components, isAbsolute)
    }

    /// The components of `text` split at `/` (and `\\` with `backslashToo`) bytes, empty ones
    /// dropped.
    ///
    /// Split as bytes, as the file system does, not as Swift `Character`s: a combining mark right
    /// after a `/` makes one grapheme with it (`"/\u{301}"`), and a `Character` split would not
    /// cut there — `infra/\u{301}prod.tfvars` would be one component and escape `infra/**`.
    private static func split(_ text: String, backslashToo: Bool = false) -> [String] {
        text.utf8.split(omittingEmptySubsequences: true) { byte in
            byte == UInt8(ascii: "/") || (backslashToo && byte == UInt8(ascii: "\\"))
        }.map { String(decoding: $0, as: UTF8.self) }
    }

    /// Whether components `i...` of the pattern match parts `j...` of the path (memoised, so a
    /// pattern with several `**` stays linear in practice).
    private func match(_ i: Int, _ j: Int, _ parts: [String], _ flags: Int32, _ memo: inout [Int8]) -> Bool {
        let key = i * (parts.count + 1) + j
        if memo[key] >= 0 { return memo[key] == 1 }
        let result: Bool
        if i == components.count {
            result = j == parts.count
        } else if components[i] == "**" {
            result = match(i + 1, j, parts, flags, &memo) || (j < parts.count && match(i, j + 1, parts, flags, &memo))
        } else {
            // A `..` left in a path (it climbs out of the folder it is relative to) is matched
            // only by a `..` of the pattern or by `**`: `*` must not let `*/examples/**` claim
            // `../examples/x`, a file outside the tree.
            result = j < parts.count && (parts[j] != ".." || components[i] == "..")
                && fnmatch(components[i], parts[j], flags) == 0 && match(i + 1, j + 1, parts, flags, &memo)
        }
        memo[key] = result ? 1 : 0
        return result
    }
}

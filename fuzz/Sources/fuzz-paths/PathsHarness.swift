import Cordon
import CordonGuard
import Foundation
import FuzzSupport

/// Feeds arbitrary bytes as a glob and a path (split at the first newline; without one, the
/// input is the path and the glob comes from a fixed list) to the path normalisation and glob
/// matching that policy path rules and exceptions use (`GlobPattern`, issue #16 item 4). Checks:
///
/// - no crash, whatever the glob (`fnmatch(3)` with any pattern) and the path;
/// - `normal-form`: normalised components hold no empty component, no `.`, a `..` only in a
///   leading run of a relative path and none in an absolute one (a path never climbs above the
///   root, and `x/../y` never keeps `x`);
/// - `idempotent`: normalising the normalised path (joined with `/`) gives it back;
/// - `spelling`: the path written with `\` for `/`, with doubled separators, with `./` and with
///   `q/../` inserted matches exactly when the path does;
/// - `case-rule`: a match with case matters is a match ignoring case;
/// - `absolute-needs-root-glob`: an absolute path never matches a relative glob that does not
///   start with `**`; `absolute-star-star`: a relative path (no `..`) that matches a glob starting
///   with `**` still matches under an absolute folder;
/// - `climbing-out`: a relative path that climbs out of its folder (`../x`) is matched only by a
///   glob that starts with `**` or `..` — so no exception such as `*/examples/**` claims a file
///   outside the tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let text = String(decoding: input, as: UTF8.self)
    let glob: GlobPattern
    let path: String
    if let newline = text.firstIndex(of: "\n") {
        guard let pattern = GlobPattern(String(text[..<newline])) else { return 0 }
        glob = pattern
        path = String(text[text.index(after: newline)...])
    } else {
        glob = fixedGlobs[size % fixedGlobs.count]
        path = text
    }
    guard !path.utf8.contains(0), let normalized = GlobPattern.normalizedComponents(of: path) else {
        Fuzz.check(!glob.matches(path), "empty-path", input: input, "an empty path or one with NUL matched")
        return 0
    }
    let parts = normalized.components
    let leadingClimbs = parts.prefix { $0 == ".." }.count
    Fuzz.check(
        !parts.contains("") && !parts.contains(".") && !parts.dropFirst(leadingClimbs).contains("..")
            && (!normalized.isAbsolute || leadingClimbs == 0),
        "normal-form", input: input, "normalised to \(parts) (absolute: \(normalized.isAbsolute))")
    // A relative path whose first normalised component reads as a drive (`x/../C:/a`: a folder
    // named `C:` is legal on POSIX) is written with `./` in front, as a person would, so that
    // the text is not read back as the absolute `C:/a`.
    let first = parts.first ?? ""
    let driveLike = first.count == 2 && first.last == ":" && first.first!.isASCII && first.first!.isLetter
    let joined = (normalized.isAbsolute ? "/" : driveLike ? "./" : "") + parts.joined(separator: "/")
    if !joined.isEmpty {
        let again = GlobPattern.normalizedComponents(of: joined)
        Fuzz.check(
            again?.components == parts && again?.isAbsolute == normalized.isAbsolute, "idempotent", input: input,
            "\(Fuzz.show(Array(joined.utf8))) normalises to \(again.map { "\($0.components)" } ?? "nothing")")
    }
    for ignoringCase in [false, true] {
        let matched = glob.matches(path, ignoringCase: ignoringCase)
        for variant in spellings(of: path) {
            Fuzz.check(
                glob.matches(variant, ignoringCase: ignoringCase) == matched, "spelling", input: input,
                "\(glob) matches \(Fuzz.show(Array(path.utf8))): \(matched), but \(Fuzz.show(Array(variant.utf8))): \(!matched)")
        }
    }
    let exact = glob.matches(path)
    if exact { Fuzz.count("matched") }
    Fuzz.check(!exact || glob.matches(path, ignoringCase: true), "case-rule", input: input, "matches with case, not ignoring it")
    let firstGlob = glob.pattern.split(separator: "/", omittingEmptySubsequences: true).first.map(String.init)
    if normalized.isAbsolute, !glob.pattern.hasPrefix("/"), firstGlob != "**" {
        Fuzz.check(!exact, "absolute-needs-root-glob", input: input, "\(glob) matches the absolute \(Fuzz.show(Array(path.utf8)))")
    }
    if !normalized.isAbsolute, leadingClimbs == 0, !parts.isEmpty, firstGlob == "**", exact {
        Fuzz.check(glob.matches("/home/u/" + path), "absolute-star-star", input: input, "\(glob) no longer matches under /home/u")
    }
    if leadingClimbs > 0, exact {
        // The glob's `.` components name the folder itself (`./..` is `..`).
        let firstStep = glob.pattern.split(separator: "/", omittingEmptySubsequences: true).first { $0 != "." }.map(String.init)
        Fuzz.check(firstStep == "**" || firstStep == "..", "climbing-out", input: input, "\(glob) matches \(parts), outside the tree")
    }
    return 0
}

private let fixedGlobs = ["**/*.pem", "infra/**", "**/.ssh/**", "*/examples/**", "/etc/**", "src/*.KEY", "**"].compactMap(GlobPattern.init)

/// Other spellings of `path` that normalise to the same components.
private func spellings(of path: String) -> [String] {
    guard !path.isEmpty else { return [] }
    var result = [path.replacingOccurrences(of: "/", with: "\\")]
    result.append(path.replacingOccurrences(of: "/", with: "//"))
    // Bytes, not Characters: `/` followed by a combining mark is one Character, so
    // `hasPrefix("/")` would call the absolute `/\u{64C}` relative.
    let bytes = Array(path.utf8)
    let absolute = bytes.first == UInt8(ascii: "/") || bytes.first == UInt8(ascii: "\\")
        || (bytes.count >= 2 && bytes[1] == UInt8(ascii: ":"))
    if !absolute {
        result.append("./" + path)
        result.append("q/../" + path)
    }
    if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
        result.append(String(path[..<slash]) + "/./" + String(path[path.index(after: slash)...]))
    }
    return result
}

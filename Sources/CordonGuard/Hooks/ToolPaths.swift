import Cordon
import CordonJSON

/// The files a Claude Code tool call is about, for the policy's path rules.
///
/// Read, Write, Edit and NotebookEdit name their file (`file_path`, `notebook_path`); Grep and
/// Glob search under `path`; a Bash command names files among its words. A command is read only
/// as far as that is safe: it is split into words at white space and shell operators, a word in
/// matching quotes is unquoted, `--option=value` gives its value, and a word with an expansion
/// (`$`, a backtick, a glob character, a backslash) is skipped, because the file it names is
/// known only to the shell.
public enum ToolPaths {
    /// The candidate paths of `toolInput`, each made relative to `workingDirectory` when inside it.
    public static func candidates(toolName: String?, toolInput: JSONValue?, workingDirectory: String?) -> [String] {
        guard let toolInput else { return [] }
        var paths: [String] = []
        for name in ["file_path", "notebook_path", "path"] {
            if let path = toolInput[name]?.stringValue, !path.isEmpty { paths.append(path) }
        }
        if toolName == "Bash", let command = toolInput["command"]?.stringValue {
            paths += commandWords(command)
        }
        return paths.map { relative($0, to: workingDirectory) }
    }

    /// The path whose path rule is the strictest under `policy`, else the first candidate.
    public static func strictest(_ candidates: [String], policy: Policy) -> String? {
        var best: (path: String, level: Level)?
        for path in candidates {
            for rule in policy.pathRules where rule.level > (best?.level ?? .public) && rule.glob.matches(path) {
                best = (path, rule.level)
            }
        }
        return best?.path ?? candidates.first
    }

    /// `path` relative to `workingDirectory` when it lies inside it.
    public static func relative(_ path: String, to workingDirectory: String?) -> String {
        if let workingDirectory, !workingDirectory.isEmpty {
            let prefix = workingDirectory.hasSuffix("/") ? workingDirectory : workingDirectory + "/"
            if path.hasPrefix(prefix) { return String(path.dropFirst(prefix.count)) }
        }
        return path
    }

    /// The words of a shell command that can be read as paths without running the shell.
    static func commandWords(_ command: String) -> [String] {
        let operators: Set<Character> = [";", "|", "&", "<", ">", "(", ")", "\n"]
        var words: [String] = []
        var current = ""
        var quote: Character?
        var unsafe = false
        func finish() {
            if !current.isEmpty, !unsafe {
                var word = current
                if word.hasPrefix("-"), let equals = word.firstIndex(of: "=") { word = String(word[word.index(after: equals)...]) }
                if !word.isEmpty, !word.hasPrefix("-") { words.append(word) }
            }
            current = ""
            unsafe = false
        }
        for character in command {
            if let open = quote {
                if character == open {
                    quote = nil
                } else {
                    if open == "\"", character == "$" || character == "`" || character == "\\" { unsafe = true }
                    current.append(character)
                }
                continue
            }
            switch character {
            case "'", "\"": quote = character
            case " ", "\t": finish()
            case _ where operators.contains(character): finish()
            case "$", "`", "\\", "*", "?", "[", "{", "~": unsafe = true; current.append(character)
            default: current.append(character)
            }
        }
        if quote == nil { finish() }
        return words
    }
}

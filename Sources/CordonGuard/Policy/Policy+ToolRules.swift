import Cordon
import Foundation
import Yams

extension Policy {
    /// The `mcp_tools` rules of the policy file at `path` (empty for `nil`, the built-in policy).
    ///
    /// Kept beside the policy rather than in it: the rules concern one front end (`cordon mcp`),
    /// and the parser has already checked them when the policy was loaded.
    ///
    /// - Throws: ``PolicyError`` for a file that cannot be read or a bad entry.
    public static func toolRules(at path: String?) throws(PolicyError) -> [ToolRule] {
        guard let path else { return [] }
        guard let data = FileManager.default.contents(atPath: path), let yaml = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: path, message: "cannot read the file as UTF-8")
        }
        return try toolRules(yaml: yaml, file: path)
    }

    /// The `mcp_tools` rules of a policy's YAML text; `file` names it in errors.
    public static func toolRules(yaml: String, file: String) throws(PolicyError) -> [ToolRule] {
        let root: Node?
        do {
            root = try StrictYAML.compose(yaml)
        } catch {
            throw PolicyError(file: file, message: "invalid YAML")
        }
        guard let root, let fields = try? StrictYAML.Fields(root, what: "the policy"), let node = fields["mcp_tools"] else { return [] }
        return try ToolRulesParser(file: file).parse(node)
    }
}

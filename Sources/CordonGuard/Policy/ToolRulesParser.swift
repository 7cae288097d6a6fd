import Cordon
import Foundation
import Yams

/// Reads a policy's `mcp_tools` list, strictly (the same rules as the rest of the policy file):
///
/// ```yaml
/// mcp_tools:
///   - tool: 'send_*'            # a glob over tool names; the last matching entry wins
///     restore_arguments: true   # put reversible placeholders back in its arguments
///   - tool: crm_lookup
///     allow_detectors: [email]  # these detectors' findings are allowed for this tool
///   - tool: shell
///     action: block             # allow | redact (default) | block
/// ```
struct ToolRulesParser {
    private static let fields: Set<String> = ["tool", "action", "restore_arguments", "allow_detectors"]

    let file: String

    /// The rules of the `mcp_tools` node.
    func parse(_ node: Node) throws(PolicyError) -> [ToolRule] {
        var rules: [ToolRule] = []
        for item in try reading({ () throws(StrictYAML.Problem) in try StrictYAML.list(node, "mcp_tools") }) {
            let fields = try reading { () throws(StrictYAML.Problem) in try StrictYAML.Fields(item, what: "an mcp_tools entry") }
            try reading { () throws(StrictYAML.Problem) in try fields.checkAllowed(Self.fields, in: "an mcp_tools entry") }
            let tool = try reading { () throws(StrictYAML.Problem) in try fields.requiredString("tool") }
            guard !tool.isEmpty else { throw PolicyError(file: file, line: StrictYAML.line(of: item), message: "'tool' is empty") }
            var rule = ToolRule(tool: tool)
            if let actionNode = fields["action"] {
                guard let name = StrictYAML.scalar(actionNode), let action = ToolRule.Action(rawValue: name) else {
                    throw PolicyError(
                        file: file, line: StrictYAML.line(of: actionNode),
                        message: "an mcp_tools action must be one of: \(ToolRule.Action.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                rule.action = action
            }
            if let restoreNode = fields["restore_arguments"] {
                switch StrictYAML.scalar(restoreNode) {
                case "true": rule.restoresArguments = true
                case "false": rule.restoresArguments = false
                default:
                    throw PolicyError(file: file, line: StrictYAML.line(of: restoreNode), message: "'restore_arguments' must be true or false")
                }
            }
            rule.allowedDetectors = Set(try reading { () throws(StrictYAML.Problem) in
                try StrictYAML.stringList(fields["allow_detectors"], "allow_detectors")
            })
            rules.append(rule)
        }
        return rules
    }

    private func reading<T>(_ read: () throws(StrictYAML.Problem) -> T) throws(PolicyError) -> T {
        do {
            return try read()
        } catch {
            throw PolicyError(file: file, line: error.line, message: error.message)
        }
    }
}

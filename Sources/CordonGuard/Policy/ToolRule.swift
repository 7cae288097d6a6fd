/// What a tool proxy (`cordon mcp`) does with one tool's calls and results, beyond the
/// policy's destinations: a policy's `mcp_tools` entries.
///
/// Per-tool rules let a false positive be fixed for one tool without turning the proxy off,
/// and name the tools that may receive restored values.
public struct ToolRule: Sendable, Hashable {
    /// What happens to a tool's traffic.
    public enum Action: String, Sendable, Hashable, CaseIterable {
        /// Neither the arguments nor the results are scanned.
        case allow
        /// Scanned under the policy (the default).
        case redact
        /// Every call is refused with a tool error, unscanned.
        case block
    }

    /// The tool names the rule applies to (a glob: `*` any run of characters, `?` one).
    public var tool: String
    /// The action.
    public var action: Action
    /// Whether reversible placeholders (`⟦EMAIL_1_K7Q2XM⟧`) in this tool's arguments are put back
    /// before the call reaches the server. Only tools named here get restored values: a
    /// prompt-injected model must not be able to send a secret back out through a fetch tool.
    public var restoresArguments: Bool
    /// Detector ids whose findings are allowed in this tool's arguments and results.
    public var allowedDetectors: Set<String>

    /// Creates a rule.
    public init(tool: String, action: Action = .redact, restoresArguments: Bool = false, allowedDetectors: Set<String> = []) {
        self.tool = tool
        self.action = action
        self.restoresArguments = restoresArguments
        self.allowedDetectors = allowedDetectors
    }

    /// Whether `name` matches ``tool``.
    public func matches(_ name: String) -> Bool {
        Self.glob(Array(tool.utf8)[...], Array(name.utf8)[...])
    }

    private static func glob(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        guard let first = pattern.first else { return text.isEmpty }
        switch first {
        case UInt8(ascii: "*"):
            var rest = text
            while true {
                if glob(pattern.dropFirst(), rest) { return true }
                if rest.isEmpty { return false }
                rest = rest.dropFirst()
            }
        case UInt8(ascii: "?"):
            return !text.isEmpty && glob(pattern.dropFirst(), text.dropFirst())
        default:
            return text.first == first && glob(pattern.dropFirst(), text.dropFirst())
        }
    }
}

extension Array where Element == ToolRule {
    /// The last rule that matches `tool` (later rules override earlier ones), or `nil`.
    public func rule(for tool: String) -> ToolRule? {
        last { $0.matches(tool) }
    }
}

import Cordon

/// What may be put back in place of reversible placeholders, and where: the policy's `restore`
/// section.
///
/// Restoring is the one step where Cordon writes a real value into text a model produced. A
/// prompt-injected model can choose where a placeholder stands, so the policy limits by the
/// value's level (after the policy's overrides), its detector and its category, and by the place
/// the value would go (``RestorePlace``): reply text, a tool call's arguments, and — in any place
/// — a URL. A placeholder that may not go back stays as it is.
///
/// ```yaml
/// restore:
///   text: restricted             # reply text: everything (default)
///   tool_arguments: confidential # tool-call arguments: up to confidential (default)
///   urls: public                 # inside a URL, anywhere: nothing above public (default)
///   never: [private-key-pem, financial]   # detector ids or categories never put back
///   tools:                       # tools whose arguments (URLs included) take values up to a level
///     - tool: 'crm_*'
///       up_to: restricted
/// ```
///
/// The defaults keep a conversation readable (the user sees their own values in the reply) and
/// keep credentials (`restricted`) out of tool calls unless the policy names the tool, and every
/// value out of URLs, where a reply rendered by a client or a fetch by a tool would hand it to a
/// host the model picked.
public struct RestorePolicy: Sendable, Hashable {
    /// A tool named by the policy, and the highest level restored into its arguments.
    public struct ToolLimit: Sendable, Hashable {
        /// A glob over tool names (`*`, `?`); the last matching entry wins.
        public var tool: String
        /// The highest level restored into the tool's arguments, URLs included.
        public var maximumLevel: Level

        /// Creates a limit.
        public init(tool: String, maximumLevel: Level) {
            self.tool = tool
            self.maximumLevel = maximumLevel
        }
    }

    /// The highest level restored into reply text.
    public var text: Level
    /// The highest level restored into a tool call's arguments, for tools not in ``tools``.
    public var toolArguments: Level
    /// The highest level restored inside a URL (``URLContext``), in text or in the arguments of
    /// a tool not named.
    public var urls: Level
    /// Detector ids never restored anywhere.
    public var neverDetectors: Set<String>
    /// Categories never restored anywhere.
    public var neverCategories: Set<Category>
    /// Tools whose arguments take values up to their level.
    public var tools: [ToolLimit]

    /// Creates a restore policy; the defaults are the documented ones.
    public init(
        text: Level = .restricted, toolArguments: Level = .confidential, urls: Level = .public,
        neverDetectors: Set<String> = [], neverCategories: Set<Category> = [], tools: [ToolLimit] = []
    ) {
        self.text = text
        self.toolArguments = toolArguments
        self.urls = urls
        self.neverDetectors = neverDetectors
        self.neverCategories = neverCategories
        self.tools = tools
    }

    /// Whether a value of `level` found by `detectorID` (in `category`, `nil` when the detector
    /// is not known: never restored) may be put back into `place`, `inURL` or not.
    public func permits(level: Level, detectorID: String, category: Category?, into place: RestorePlace, inURL: Bool) -> Bool {
        guard let category, !neverDetectors.contains(detectorID), !neverCategories.contains(category) else { return false }
        let limit: Level
        switch place {
        case .text:
            limit = inURL ? min(text, urls) : text
        case .toolArguments(let tool):
            if let tool, let named = tools.last(where: { ToolRule(tool: $0.tool).matches(tool) }) {
                limit = named.maximumLevel
            } else {
                limit = inURL ? min(toolArguments, urls) : toolArguments
            }
        case .namedToolArguments(let tool):
            limit = tools.last(where: { ToolRule(tool: $0.tool).matches(tool) })?.maximumLevel ?? .restricted
        }
        return level <= limit
    }
}

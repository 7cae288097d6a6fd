/// Where restored values would go: the place in a reply that holds the placeholders.
///
/// The restore policy (``RestorePolicy``) lets different values back into different places: a
/// reply's text is read by the user, while a tool call's arguments are acted on — a
/// prompt-injected model that can make Cordon fill a real credential into a tool call, or into a
/// URL of its choosing, can send it anywhere.
public enum RestorePlace: Sendable, Hashable {
    /// Plain reply text, for the user to read.
    case text
    /// The arguments of a tool call, of the named tool when it is known.
    case toolArguments(tool: String?)
    /// The arguments of a tool that the front end's own configuration names as one to receive
    /// restored values (`cordon mcp --restore-tool`, `mcp_tools: restore_arguments: true`):
    /// the policy has named the tool.
    case namedToolArguments(tool: String)
}

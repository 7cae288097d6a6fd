import ArgumentParser
import Cordon
import CordonGuard

/// `cordon hook`: hooks for agent harnesses.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Apply the policy to agent hook events.",
        subcommands: [ClaudeCode.self]
    )

    /// `cordon hook claude-code`.
    struct ClaudeCode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "claude-code",
            abstract: "Handle one Claude Code hook event (JSON on standard input).",
            discussion: """
                UserPromptSubmit above the destination's level: exit 2, the reason on standard error. \
                PreToolUse: deny, or rewrite the tool input (updatedInput). PostToolUse: replace the \
                tool output in the tool's own shape (updatedToolOutput: redacted, or withheld), or stop \
                the agent where no such replacement exists. PostToolUseFailure: audit and add context. \
                PostToolBatch: stop the loop when a response still holds a value. Clean events: exit 0, \
                no output. A malformed event: exit 2 (fail closed). Reasons name detector ids and \
                counts, never values. Needs Claude Code 2.1.121 or later.
                """
        )

        @Option(help: "The destination whose level applies (default: the policy's default destination).")
        var destination: String?

        @Option(name: .customLong("operator"), help: "How values are replaced: placeholder, mask, hash or remove.")
        var operatorName: String = "placeholder"

        @Option(name: .customLong("hash-key-file"), help: ArgumentHelp("The key for --operator hash (the file's bytes).", valueName: "file"))
        var hashKeyFile: String?

        @Option(name: .customLong("rewrite-permission"), help: "The permission decision sent with a rewritten tool input: ask (default) or allow.")
        var rewritePermission: String = ClaudeCodeHook.RewriteDecision.ask.rawValue

        @Option(name: .customLong("max-bytes"), help: "The largest event accepted, in bytes; larger events are blocked.")
        var maximumBytes: Int = 64 * 1024 * 1024

        @OptionGroup var options: GuardOptions

        func validate() throws {
            try invocation.validate()
        }

        /// These options as a plain run (``HookInvocation``), which also serves a command line
        /// read without ArgumentParser.
        var invocation: HookInvocation {
            HookInvocation(
                destination: destination, operatorName: operatorName, hashKeyFile: hashKeyFile,
                rewritePermission: rewritePermission, maximumBytes: maximumBytes, settings: options.settings)
        }

        func run() throws {
            try invocation.run()
        }
    }
}

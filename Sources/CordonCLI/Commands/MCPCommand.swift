import ArgumentParser
import Cordon
import CordonGuard
import CordonMCP
import Foundation

/// `cordon mcp`: a filtering proxy in front of an MCP server over stdio.
struct MCPCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Run an MCP server (stdio) behind a filter: cordon mcp [options] -- COMMAND [ARGS...]",
        discussion: """
            Configure an MCP client to start `cordon mcp -- COMMAND ARGS` in place of `COMMAND ARGS`. \
            Results, server requests and notifications are scanned toward the model \
            (--model-destination); tool arguments, URIs and answers toward the server \
            (--server-destination). Refused tool calls get a tool error naming the detectors; other \
            refused requests a JSON-RPC error (-32602/-32603). Lines that are not JSON-RPC are never \
            forwarded. Exits with the server's status.
            """
    )

    @Option(name: .customLong("model-destination"), help: "The destination for what goes toward the model (default: the policy's default).")
    var modelDestination: String?

    @Option(name: .customLong("server-destination"), help: "The destination for what goes toward the server (default: the model destination).")
    var serverDestination: String?

    @Option(name: .customLong("operator"), help: "How values are replaced: placeholder-reversible (default), placeholder, mask, hash or remove.")
    var operatorName: String = "placeholder-reversible"

    @Option(name: .customLong("hash-key-file"), help: ArgumentHelp("The key for --operator hash (the file's bytes).", valueName: "file"))
    var hashKeyFile: String?

    @Option(name: .customLong("restore-tool"), help: ArgumentHelp("Put reversible placeholders back in this tool's arguments (a glob; repeatable). No tool gets restored values unless named.", valueName: "glob"))
    var restoreTools: [String] = []

    @Option(name: .customLong("allow-tool"), help: ArgumentHelp("Do not scan this tool's arguments and results (a glob; repeatable).", valueName: "glob"))
    var allowTools: [String] = []

    @Option(name: .customLong("block-tool"), help: ArgumentHelp("Refuse every call of this tool (a glob; repeatable).", valueName: "glob"))
    var blockTools: [String] = []

    @Option(name: .customLong("allow-detector"), help: ArgumentHelp("Allow one detector's findings for one tool: TOOL=DETECTOR (repeatable).", valueName: "tool=id"))
    var allowDetectors: [String] = []

    @Option(name: .customLong("max-line-bytes"), help: "The largest message in bytes; a longer one is answered with an error.")
    var maximumLineBytes: Int = 16 * 1024 * 1024

    @OptionGroup var options: GuardOptions

    @Argument(parsing: .postTerminator, help: "The MCP server command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the server command after --: cordon mcp -- COMMAND [ARGS...]") }
        guard ValueReplacement.names.contains(operatorName) else {
            throw ValidationError("unknown operator '\(operatorName)' (expected one of: \(ValueReplacement.names.joined(separator: ", ")))")
        }
        if operatorName == "hash", hashKeyFile == nil { throw ValidationError("--operator hash needs --hash-key-file") }
        guard maximumLineBytes > 0 else { throw ValidationError("--max-line-bytes must be positive") }
        for entry in allowDetectors where !entry.contains("=") { throw ValidationError("--allow-detector takes TOOL=DETECTOR") }
    }

    func run() throws {
        let logger = options.makeLogger(label: "cordon.mcp")
        let pipeline = try options.makeGuard(logger: logger)
        let policy = pipeline.policy
        for name in [modelDestination, serverDestination].compactMap({ $0 }) where policy.destination(named: name) == nil {
            throw CommandFailure(EnforcementError.unknownDestination(known: policy.destinations.map(\.name)).description)
        }
        let replacement: ValueReplacement
        if operatorName == "placeholder-reversible" {
            replacement = .reversiblePlaceholder
        } else {
            replacement = .operator(try OperatorOptions.redactionOperator(named: operatorName, hashKeyFile: hashKeyFile))
        }
        // The policy's mcp_tools entries first; options given on the command line override them.
        var rules: [ToolRule] = try Policy.toolRules(at: options.policyPath)
        rules += allowTools.map { ToolRule(tool: $0, action: .allow) } + blockTools.map { ToolRule(tool: $0, action: .block) }
        for tool in restoreTools { rules.append(ToolRule(tool: tool, restoresArguments: true)) }
        for entry in allowDetectors {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            rules.append(ToolRule(tool: parts[0], allowedDetectors: [parts[1]]))
        }
        let known = Set(pipeline.engine.detectors.map(\.id))
        for rule in rules {
            for id in rule.allowedDetectors.sorted() where !known.contains(id) {
                throw CommandFailure("the tool rule '\(rule.tool)' allows an unknown detector '\(id)'")
            }
        }
        let filter = MCPFilter(
            enforcer: pipeline.enforcer,
            configuration: MCPProxyConfiguration(
                modelDestination: modelDestination, serverDestination: serverDestination, replacement: replacement,
                toolRules: Self.merged(rules), maximumLineBytes: maximumLineBytes, session: "mcp-\(getpid())",
                hashesContent: pipeline.audit != nil))
        let proxy = MCPStdioProxy(filter: filter, audit: pipeline.audit) { Diagnostics.write($0) }
        let status: Int32
        do {
            status = try proxy.run(command: command[0], arguments: Array(command.dropFirst()))
        } catch {
            throw CommandFailure("cannot start the MCP server '\(command[0])': \(error)")
        }
        throw ExitCode(status)
    }

    /// One rule per tool glob, merging the options that name it (the last match wins in the
    /// filter, so each glob's options must be in one rule).
    static func merged(_ rules: [ToolRule]) -> [ToolRule] {
        var merged: [ToolRule] = []
        for rule in rules {
            if let index = merged.firstIndex(where: { $0.tool == rule.tool }) {
                if rule.action != .redact { merged[index].action = rule.action }
                merged[index].restoresArguments = merged[index].restoresArguments || rule.restoresArguments
                merged[index].allowedDetectors.formUnion(rule.allowedDetectors)
            } else {
                merged.append(rule)
            }
        }
        return merged
    }
}

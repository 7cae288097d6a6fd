import Cordon
import CordonGuard
import Logging

extension HookInvocation {
    /// The hook run `arguments` (the whole command line, program name first) ask for, read
    /// without ArgumentParser, when it is `cordon hook claude-code` followed only by long options
    /// of that command, each given once, with values that pass the command's validation; `nil`
    /// for anything else — help, version, `--`, a short or unknown option, a repeated single
    /// option, a value that starts with `-` or is empty, an invalid value — which the full
    /// command tree then parses and runs or reports exactly as before.
    ///
    /// Declining is always safe, accepting is only for what ArgumentParser reads the same way
    /// (`--name value` and `--name=value`); a test compares the two on every option. Reading the
    /// options directly takes a hook process from about 75 M to about 54 M instructions: for
    /// ArgumentParser each option is a property wrapper found by reflection, and each
    /// generic-type or protocol-conformance lookup that misses the runtime's cache scans all
    /// conformance records of a binary that also holds the gateway's NIO and Hummingbird.
    init?(directlyParsing arguments: [String]) {
        guard arguments.count >= 3, arguments[1] == "hook", arguments[2] == "claude-code" else { return nil }
        var invocation = HookInvocation()
        var seen: Set<String> = []
        var index = 3
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--"), argument.count > 2 else { return nil }
            let name: Substring
            let value: String
            if let equals = argument.firstIndex(of: "=") {
                name = argument[argument.index(argument.startIndex, offsetBy: 2)..<equals]
                value = String(argument[argument.index(after: equals)...])
            } else {
                guard index < arguments.count else { return nil }
                name = argument.dropFirst(2)
                value = arguments[index]
                index += 1
            }
            guard !value.isEmpty, !value.hasPrefix("-") else { return nil }
            if name != "detectors" {
                guard seen.insert(String(name)).inserted else { return nil }
            }
            switch name {
            case "destination": invocation.destination = value
            case "operator": invocation.operatorName = value
            case "hash-key-file": invocation.hashKeyFile = value
            case "rewrite-permission": invocation.rewritePermission = value
            case "max-bytes":
                guard value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let bytes = Int(value) else {
                    return nil
                }
                invocation.maximumBytes = bytes
            case "policy": invocation.settings.policyPath = value
            case "audit": invocation.settings.auditPath = value
            case "audit-key-file": invocation.settings.auditKeyFile = value
            case "log-level":
                guard let level = Logger.Level(rawValue: value) else { return nil }
                invocation.settings.logLevel = level
            case "detectors": invocation.settings.detectorPaths.append(value)
            default: return nil
            }
        }
        // What fails validation is left to the full parser, which reports it with the usage.
        guard (try? invocation.validate()) != nil else { return nil }
        self = invocation
    }
}

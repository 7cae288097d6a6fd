import Cordon
import Foundation
import Yams

/// Reads a gateway configuration file (YAML) strictly: unknown fields, duplicates and wrong
/// types are errors naming the file and line (see `examples/gateway.yaml` and docs/gateway.md).
public enum GatewayConfigurationParser {
    static let topLevelFields: Set<String> = [
        "listen", "upstreams", "routes", "session_header", "destination_header", "max_request_bytes", "max_response_bytes",
        "unknown_paths", "embeddings_token_arrays", "stream_hold_back", "upstream_timeout", "decision_cache_entries", "upstream_connections",
        "request_timeout",
    ]
    static let upstreamFields: Set<String> = ["base_url", "api_key_env"]
    static let routeFields: Set<String> = ["upstream", "overflow"]

    /// Reads the file at `path`; API keys named by `api_key_env` are read from `environment`.
    public static func load(from path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(GatewayConfigurationError) -> GatewayConfiguration {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw GatewayConfigurationError(file: path, message: "cannot read the file as UTF-8 text")
        }
        return try parse(yaml: text, file: path, environment: environment)
    }

    /// Parses the YAML text of a configuration; `file` names it in errors.
    public static func parse(yaml: String, file: String, environment: [String: String] = [:]) throws(GatewayConfigurationError) -> GatewayConfiguration {
        do {
            guard let root = try StrictYAML.compose(yaml) else { throw GatewayConfigurationError(file: file, message: "the file is empty") }
            return try configuration(root, file: file, environment: environment)
        } catch let failure as StrictYAML.Failure {
            throw GatewayConfigurationError(file: file, line: failure.line, message: "not valid YAML" + (failure.problem.map { ": \($0)" } ?? ""))
        } catch let problem as StrictYAML.Problem {
            throw GatewayConfigurationError(file: file, line: problem.line, message: problem.message)
        } catch let error as GatewayConfigurationError {
            throw error
        } catch {
            throw GatewayConfigurationError(file: file, message: "cannot be read")
        }
    }

    private static func configuration(_ root: Node, file: String, environment: [String: String]) throws -> GatewayConfiguration {
        let top = try StrictYAML.Fields(root, what: "the configuration")
        try top.checkAllowed(topLevelFields, in: "the configuration")
        var upstreams: [Upstream] = []
        for entry in try StrictYAML.Fields(try top.required("upstreams"), what: "'upstreams'").entries {
            let fields = try StrictYAML.Fields(entry.node, what: "an upstream")
            try fields.checkAllowed(upstreamFields, in: "an upstream")
            let base = try fields.requiredString("base_url")
            guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
                throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: entry.node), message: "'base_url' must start with http:// or https://")
            }
            let variable = try fields["api_key_env"].map { (node) throws(StrictYAML.Problem) in try StrictYAML.string(node, "api_key_env") }
            upstreams.append(Upstream(name: entry.name, baseURL: base, apiKeyEnvironment: variable, apiKey: variable.flatMap { environment[$0] }))
        }
        guard !upstreams.isEmpty else { throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: root), message: "'upstreams' is empty") }
        var routes: [DestinationRoute] = []
        if let node = top["routes"] {
            for entry in try StrictYAML.Fields(node, what: "'routes'").entries {
                let fields = try StrictYAML.Fields(entry.node, what: "a route")
                try fields.checkAllowed(routeFields, in: "a route")
                let upstream = try fields.requiredString("upstream")
                guard upstreams.contains(where: { $0.name == upstream }) else {
                    throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: entry.node), message: "'upstream' names no upstream in 'upstreams'")
                }
                let overflow = try fields["overflow"].map { (node) throws(StrictYAML.Problem) in try StrictYAML.string(node, "overflow") }
                routes.append(DestinationRoute(destination: entry.name, upstream: upstream, overflowDestination: overflow))
            }
        }
        var configuration = GatewayConfiguration(upstreams: upstreams, routes: routes)
        if let node = top["listen"] {
            guard let (host, port) = parseListen(try StrictYAML.string(node, "listen")) else {
                throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: node), message: "'listen' must be HOST:PORT")
            }
            configuration.host = host
            configuration.port = port
        }
        if let node = top["session_header"] { configuration.sessionHeader = try StrictYAML.string(node, "session_header").lowercased() }
        if let node = top["destination_header"] { configuration.destinationHeader = try StrictYAML.string(node, "destination_header").lowercased() }
        if let node = top["max_request_bytes"] { configuration.maximumRequestBytes = try positive(node, "max_request_bytes", file: file) }
        if let node = top["max_response_bytes"] { configuration.maximumResponseBytes = try positive(node, "max_response_bytes", file: file) }
        if let node = top["stream_hold_back"] { configuration.streamHoldBack = try positive(node, "stream_hold_back", file: file) }
        if let node = top["decision_cache_entries"] {
            let text = try StrictYAML.string(node, "decision_cache_entries")
            guard let value = Int(text), value >= 0 else {
                throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: node), message: "'decision_cache_entries' must be a whole number")
            }
            configuration.decisionCacheEntries = value
        }
        if let node = top["upstream_connections"] { configuration.upstreamConnections = try positive(node, "upstream_connections", file: file) }
        if let node = top["upstream_timeout"] { configuration.upstreamTimeout = try positive(node, "upstream_timeout", file: file) }
        if let node = top["request_timeout"] { configuration.requestTimeout = try positive(node, "request_timeout", file: file) }
        if let node = top["unknown_paths"] {
            guard let mode = UnknownPathMode(rawValue: try StrictYAML.string(node, "unknown_paths")) else {
                throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: node), message: "'unknown_paths' must be reject or scan")
            }
            configuration.unknownPaths = mode
        }
        if let node = top["embeddings_token_arrays"] {
            switch try StrictYAML.string(node, "embeddings_token_arrays") {
            case "allow": configuration.allowTokenArrays = true
            case "block": configuration.allowTokenArrays = false
            default: throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: node), message: "'embeddings_token_arrays' must be allow or block")
            }
        }
        return configuration
    }

    private static func positive(_ node: Node, _ name: String, file: String) throws -> Int {
        guard let value = Int(try StrictYAML.string(node, name)), value > 0 else {
            throw GatewayConfigurationError(file: file, line: StrictYAML.line(of: node), message: "'\(name)' must be a positive whole number")
        }
        return value
    }

    /// `HOST:PORT` (`[::1]:8080` for IPv6) as host and port.
    public static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            return nil
        }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }
}

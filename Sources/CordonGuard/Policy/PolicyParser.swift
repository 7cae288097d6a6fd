import Cordon
import Foundation
import Yams

/// Reads a policy file (YAML) into a ``Policy``, strictly.
///
/// The same rules as detector files: unknown fields, missing required fields, wrong types and
/// unknown names are errors naming the file and the line, scalars are read as written (no YAML
/// type coercion), and messages never quote values from the file beyond field names.
struct PolicyParser {
    private static let topLevelFields: Set<String> = [
        "default_destination", "failure_mode", "destinations", "detectors", "categories", "paths", "exceptions", "mcp_tools", "restore",
    ]
    private static let restoreFields: Set<String> = ["text", "tool_arguments", "urls", "never", "tools"]
    private static let restoreToolFields: Set<String> = ["tool", "up_to"]
    private static let destinationFields: Set<String> = ["max_level", "action"]
    private static let overrideFields: Set<String> = ["level", "action"]
    private static let pathFields: Set<String> = ["glob", "level"]
    private static let exceptionFields: Set<String> = [
        "detector", "category", "path", "destination", "reason", "owner", "expires",
    ]

    let file: String

    /// Parses `yaml`, the contents of `file`; `version` is the hash of those contents.
    func parse(_ yaml: String, version: String) throws(PolicyError) -> Policy {
        let root: Node?
        do {
            root = try StrictYAML.compose(yaml)
        } catch {
            throw yamlError(error)
        }
        guard let root else { throw PolicyError(file: file, message: "the file is empty") }
        let top = try fields(root, what: "the policy")
        try checkFields(top, allowed: Self.topLevelFields, what: "the policy")

        guard let destinationsNode = top["destinations"] else {
            throw error(root, "missing field 'destinations'")
        }
        var destinations: [PolicyDestination] = []
        for (name, node) in try mapping(destinationsNode, what: "'destinations'") {
            guard Self.isValidName(name) else {
                throw error(node, "invalid destination name: use letters, digits, '.', '_' and '-'")
            }
            destinations.append(try destination(name: name, node))
        }
        guard !destinations.isEmpty else { throw error(destinationsNode, "'destinations' is empty") }

        guard let defaultNode = top["default_destination"] else {
            throw error(root, "missing field 'default_destination'")
        }
        let defaultName = try string(defaultNode, "default_destination")
        guard destinations.contains(where: { $0.name == defaultName }) else {
            throw error(defaultNode, "'default_destination' names no destination in 'destinations'")
        }

        var failureMode = FailureMode.closed
        if let node = top["failure_mode"] {
            guard let mode = FailureMode(rawValue: try string(node, "failure_mode")) else {
                throw error(node, "'failure_mode' must be closed or open")
            }
            failureMode = mode
        }

        var detectorOverrides: [String: PolicyOverride] = [:]
        if let node = top["detectors"] {
            for (id, item) in try mapping(node, what: "'detectors'") {
                detectorOverrides[id] = try override(item, what: "detector override")
            }
        }
        var categoryOverrides: [Category: PolicyOverride] = [:]
        if let node = top["categories"] {
            for (name, item) in try mapping(node, what: "'categories'") {
                guard let category = Category(rawValue: name) else {
                    throw error(item, "unknown category in 'categories' (expected one of: \(Category.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                categoryOverrides[category] = try override(item, what: "category override")
            }
        }
        var pathRules: [PathRule] = []
        if let node = top["paths"] {
            for item in try sequence(node, "paths") {
                let fields = try self.fields(item, what: "a path rule")
                try checkFields(fields, allowed: Self.pathFields, what: "a path rule")
                let glob = try globPattern(try required(fields, "glob"), "glob")
                let level = try levelValue(try required(fields, "level"))
                pathRules.append(PathRule(glob: glob, level: level))
            }
        }
        var exceptions: [PolicyException] = []
        if let node = top["exceptions"] {
            for item in try sequence(node, "exceptions") {
                exceptions.append(try exception(item, destinations: destinations))
            }
        }
        if let node = top["mcp_tools"] { _ = try ToolRulesParser(file: file).parse(node) }
        let restore = try top["restore"].map { (node) throws(PolicyError) in try restorePolicy(node) } ?? RestorePolicy()
        return Policy(
            destinations: destinations, defaultDestination: defaultName, failureMode: failureMode,
            detectorOverrides: detectorOverrides, categoryOverrides: categoryOverrides, pathRules: pathRules,
            exceptions: exceptions, restore: restore, version: version, source: file)
    }

    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: "."), name.utf8.count <= 64
        else { return false }
        return name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
        }
    }

    // MARK: - Parts

    private func destination(name: String, _ node: Node) throws(PolicyError) -> PolicyDestination {
        let fields = try self.fields(node, what: "a destination")
        try checkFields(fields, allowed: Self.destinationFields, what: "a destination")
        let level = try levelValue(try required(fields, "max_level"))
        var action = PolicyAction.redact
        if let actionNode = fields["action"] {
            action = try actionValue(actionNode, allowed: [.redact, .block])
        }
        return PolicyDestination(name: name, maximumLevel: level, action: action)
    }

    private func override(_ node: Node, what: String) throws(PolicyError) -> PolicyOverride {
        let fields = try self.fields(node, what: "a \(what)")
        try checkFields(fields, allowed: Self.overrideFields, what: "a \(what)")
        guard !fields.entries.isEmpty else { throw error(node, "a \(what) needs 'level' or 'action'") }
        var result = PolicyOverride(line: line(node))
        if let levelNode = fields["level"] { result.level = try levelValue(levelNode) }
        if let actionNode = fields["action"] { result.action = try actionValue(actionNode, allowed: [.redact, .block]) }
        return result
    }

    private func restorePolicy(_ node: Node) throws(PolicyError) -> RestorePolicy {
        let fields = try self.fields(node, what: "'restore'")
        try checkFields(fields, allowed: Self.restoreFields, what: "'restore'")
        var policy = RestorePolicy()
        if let levelNode = fields["text"] { policy.text = try levelValue(levelNode) }
        if let levelNode = fields["tool_arguments"] { policy.toolArguments = try levelValue(levelNode) }
        if let levelNode = fields["urls"] { policy.urls = try levelValue(levelNode) }
        if let neverNode = fields["never"] {
            for item in try sequence(neverNode, "never") {
                let name = try string(item, "never")
                if let category = Category(rawValue: name) {
                    policy.neverCategories.insert(category)
                } else {
                    policy.neverDetectors.insert(name)
                }
            }
        }
        if let toolsNode = fields["tools"] {
            for item in try sequence(toolsNode, "tools") {
                let toolFields = try self.fields(item, what: "a 'restore: tools' entry")
                try checkFields(toolFields, allowed: Self.restoreToolFields, what: "a 'restore: tools' entry")
                let tool = try nonEmptyString(try required(toolFields, "tool"), "tool")
                let level = try levelValue(try required(toolFields, "up_to"))
                policy.tools.append(RestorePolicy.ToolLimit(tool: tool, maximumLevel: level))
            }
        }
        return policy
    }

    private func exception(_ node: Node, destinations: [PolicyDestination]) throws(PolicyError) -> PolicyException {
        let fields = try self.fields(node, what: "an exception")
        try checkFields(fields, allowed: Self.exceptionFields, what: "an exception")
        let detectorID = try fields["detector"].map { (node) throws(PolicyError) in try string(node, "detector") }
        var category: Category?
        if let categoryNode = fields["category"] {
            guard let known = Category(rawValue: try string(categoryNode, "category")) else {
                throw error(categoryNode, "unknown category (expected one of: \(Category.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            category = known
        }
        var path: GlobPattern?
        if let pathNode = fields["path"] { path = try globPattern(pathNode, "path") }
        var destination: String?
        if let destinationNode = fields["destination"] {
            let name = try string(destinationNode, "destination")
            guard destinations.contains(where: { $0.name == name }) else {
                throw error(destinationNode, "the exception's 'destination' names no destination in 'destinations'")
            }
            destination = name
        }
        guard detectorID != nil || category != nil || path != nil else {
            throw error(node, "an exception needs at least one of 'detector', 'category' and 'path'")
        }
        let reason = try nonEmptyString(try required(fields, "reason"), "reason")
        let owner = try nonEmptyString(try required(fields, "owner"), "owner")
        let expiresNode = try required(fields, "expires")
        guard let expires = CalendarDay(try string(expiresNode, "expires")) else {
            throw error(expiresNode, "'expires' must be a date written YYYY-MM-DD")
        }
        return PolicyException(
            detectorID: detectorID, category: category, path: path, destination: destination,
            reason: reason, owner: owner, expires: expires, line: line(node))
    }

    // MARK: - Node helpers

    // MARK: - Node helpers: the strict reader, its problems named with the file

    private typealias Fields = StrictYAML.Fields

    private func reading<T>(_ read: () throws(StrictYAML.Problem) -> T) throws(PolicyError) -> T {
        do {
            return try read()
        } catch {
            throw PolicyError(file: file, line: error.line, message: error.message)
        }
    }

    /// The entries of a mapping: the fields of an object, or the named items of a map such as
    /// `destinations`.
    private func mapping(_ node: Node, what: String) throws(PolicyError) -> [(name: String, node: Node)] {
        try fields(node, what: what).entries
    }

    private func fields(_ node: Node, what: String) throws(PolicyError) -> Fields {
        try reading { () throws(StrictYAML.Problem) in try Fields(node, what: what) }
    }

    private func checkFields(_ fields: Fields, allowed: Set<String>, what: String) throws(PolicyError) {
        try reading { () throws(StrictYAML.Problem) in try fields.checkAllowed(allowed, in: what) }
    }

    private func required(_ fields: Fields, _ name: String) throws(PolicyError) -> Node {
        try reading { () throws(StrictYAML.Problem) in try fields.required(name) }
    }

    private func sequence(_ node: Node, _ name: String) throws(PolicyError) -> [Node] {
        try reading { () throws(StrictYAML.Problem) in try StrictYAML.list(node, name) }
    }

    private func string(_ node: Node, _ name: String) throws(PolicyError) -> String {
        try reading { () throws(StrictYAML.Problem) in try StrictYAML.string(node, name) }
    }

    private func nonEmptyString(_ node: Node, _ name: String) throws(PolicyError) -> String {
        let text = try string(node, name)
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else { throw error(node, "'\(name)' is empty") }
        return text
    }

    private func levelValue(_ node: Node) throws(PolicyError) -> Level {
        guard case .scalar(let scalar) = node, let level = Level(name: scalar.string) else {
            throw error(node, "a level must be one of: \(Level.allCases.map(\.name).joined(separator: ", "))")
        }
        return level
    }

    private func actionValue(_ node: Node, allowed: [PolicyAction]) throws(PolicyError) -> PolicyAction {
        guard case .scalar(let scalar) = node, let action = PolicyAction(rawValue: scalar.string), allowed.contains(action) else {
            throw error(node, "an action must be one of: \(allowed.map(\.rawValue).joined(separator: ", "))")
        }
        return action
    }

    private func globPattern(_ node: Node, _ name: String) throws(PolicyError) -> GlobPattern {
        guard let glob = GlobPattern(try string(node, name)) else { throw error(node, "'\(name)' must be a non-empty glob") }
        return glob
    }

    private func line(_ node: Node) -> Int? { StrictYAML.line(of: node) }

    private func error(_ node: Node, _ message: String) -> PolicyError {
        PolicyError(file: file, line: line(node), message: message)
    }


    private func yamlError(_ failure: StrictYAML.Failure) -> PolicyError {
        // A key given twice is reported as invalid YAML, without its line or name.
        guard failure.duplicateKeys == nil, let problem = failure.problem else {
            return PolicyError(file: file, message: "invalid YAML")
        }
        return PolicyError(file: file, line: failure.line, message: "invalid YAML: \(problem)")
    }
}

import Yams

extension StrictYAML {
    /// What is wrong with one node of a document: the node (for its line) and a message that
    /// names fields, never values. Each format wraps it in its own error with the file's name.
    package struct Problem: Error {
        /// The node at fault.
        package var node: Node
        /// What is wrong.
        package var message: String

        /// The node's 1-based line, when known.
        package var line: Int? { StrictYAML.line(of: node) }
    }

    /// The fields of a mapping node, in file order, each name at most once.
    ///
    /// Detector files and policies are read the same way: field names are plain scalars, a
    /// name given twice is an error, unknown names are errors that list the allowed ones, and
    /// every message quotes a name only when it reads as a plain word (see ``quoted(_:)``).
    package struct Fields {
        /// The mapping node.
        package let node: Node
        /// The fields in the order the file gives them.
        package let entries: [(name: String, node: Node)]

        /// Reads the fields of `node`, which must be a mapping; `what` names it in errors
        /// ("a detector", "'context'").
        package init(_ node: Node, what: String) throws(Problem) {
            guard case .mapping(let map) = node else { throw Problem(node: node, message: "\(what) must be a mapping of fields") }
            var entries: [(name: String, node: Node)] = []
            for (key, value) in map {
                guard let name = StrictYAML.scalar(key) else {
                    throw Problem(node: key, message: "a field name must be a plain string")
                }
                guard !entries.contains(where: { $0.name == name }) else {
                    throw Problem(node: key, message: "field \(StrictYAML.quoted(name)) appears twice")
                }
                entries.append((name, value))
            }
            self.node = node
            self.entries = entries
        }

        /// The value of the field `name`, if given.
        package subscript(_ name: String) -> Node? {
            entries.first { $0.name == name }?.node
        }

        /// Fails on the first field whose name is not in `allowed`; `what` names the mapping.
        package func checkAllowed(_ allowed: Set<String>, in what: String) throws(Problem) {
            for entry in entries where !allowed.contains(entry.name) {
                throw Problem(
                    node: entry.node,
                    message: "unknown field \(StrictYAML.quoted(entry.name)) in \(what) (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
        }

        /// The value of the field `name`, which must be given.
        package func required(_ name: String) throws(Problem) -> Node {
            guard let value = self[name] else { throw Problem(node: node, message: "missing field '\(name)'") }
            return value
        }

        /// The string value of the field `name`, which must be given.
        package func requiredString(_ name: String) throws(Problem) -> String {
            try StrictYAML.string(try required(name), name)
        }
    }

    /// The text of a scalar node; `nil` for a mapping or a list.
    package static func scalar(_ node: Node) -> String? {
        if case .scalar(let scalar) = node { return scalar.string }
        return nil
    }

    /// The text of `node`, which must be a scalar; `name` names the field in errors.
    package static func string(_ node: Node, _ name: String) throws(Problem) -> String {
        guard let text = scalar(node) else { throw Problem(node: node, message: "'\(name)' must be a string") }
        return text
    }

    /// The items of `node`, which must be a list.
    package static func list(_ node: Node, _ name: String) throws(Problem) -> [Node] {
        guard case .sequence(let items) = node else { throw Problem(node: node, message: "'\(name)' must be a list") }
        return Array(items)
    }

    /// The strings of `node`, a list of scalars; an absent node is an empty list.
    package static func stringList(_ node: Node?, _ name: String) throws(Problem) -> [String] {
        guard let node else { return [] }
        var strings: [String] = []
        for (index, item) in try list(node, name).enumerated() {
            guard let text = scalar(item) else {
                throw Problem(node: item, message: "item #\(index + 1) of '\(name)' must be a string")
            }
            strings.append(text)
        }
        return strings
    }

    /// The 1-based line of `node`, when known.
    package static func line(of node: Node) -> Int? {
        node.mark.map { $0.line }
    }

    /// A name from the file, quoted when it looks like a plain word (`'keyword'`), else
    /// described without its text: a malformed file can put example text — fake secrets — where
    /// a name belongs, and errors never quote values.
    package static func quoted(_ name: String) -> String {
        let bytes = Array(name.utf8)
        // Letters, `_` and `-` only: a digit is where a value (`hunter2`, `secr3t`) differs
        // from a word (fuzzing found a mistyped category quoted from an example).
        let plain = (1...24).contains(bytes.count)
            && (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(bytes[0])
            && bytes.allSatisfy { byte in
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
        return plain ? "'\(name)'" : "(a name that is not a plain lowercase word, not shown)"
    }

    /// An identifier from the file (a detector id a policy names), quoted when it is short and
    /// made of ASCII letters, digits, `_` and `-`, else a placeholder: ids carry digits
    /// (`github-pat-v2`), so the rule of ``quoted(_:)`` would hide every mistyped one.
    package static func quotedIdentifier(_ name: String) -> String {
        let plain = name.count <= 40
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
        return "'\(plain ? name : "<field>")'"
    }
}

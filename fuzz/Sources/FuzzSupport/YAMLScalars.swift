import Yams

/// The scalars of a YAML document, read with Yams directly: mapping keys, values under keys named
/// in `listKeys` (items of the lists they hold), and all other values.
public struct YAMLScalars {
    public var keys: [String] = []
    public var listed: [String] = []
    public var values: [String] = []

    /// Reads `yaml`; all lists stay empty when it does not parse.
    public init(_ yaml: String, listKeys: Set<String>) {
        guard let root = try? Yams.compose(yaml: yaml) else { return }
        visit(root, listKeys: listKeys, under: nil, depth: 0)
    }

    private mutating func visit(_ node: Node, listKeys: Set<String>, under key: String?, depth: Int) {
        guard depth < 200 else { return }
        switch node {
        case .scalar(let scalar):
            if let key, listKeys.contains(key) { listed.append(scalar.string) } else { values.append(scalar.string) }
        case .sequence(let items):
            for item in items { visit(item, listKeys: listKeys, under: key, depth: depth + 1) }
        case .mapping(let map):
            for (name, value) in map {
                if case .scalar(let scalar) = name {
                    keys.append(scalar.string)
                    visit(value, listKeys: listKeys, under: scalar.string, depth: depth + 1)
                } else {
                    visit(name, listKeys: listKeys, under: nil, depth: depth + 1)
                    visit(value, listKeys: listKeys, under: nil, depth: depth + 1)
                }
            }
        case .alias:
            break
        }
    }
}

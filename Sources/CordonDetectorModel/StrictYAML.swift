import Yams

/// Reads the YAML of Cordon's strict file formats (detector files, policies) into a node tree.
///
/// Scalars are read as written: the basic resolver tags nothing (the default one matches every
/// scalar against regular expressions, to guess types that no field of these formats uses). A
/// failure reports the problem and its line, never the offending text, which YAML's own error
/// descriptions quote and which may be a (fake or real) secret.
package enum StrictYAML {
    /// Why a document is not valid YAML, without any of its text.
    package struct Failure: Error {
        /// The 1-based line, when known.
        package var line: Int?
        /// What is wrong, as the YAML parser words it, or `nil` when it does not say.
        package var problem: String?
        /// The keys that appear twice in one mapping, when that is the problem.
        package var duplicateKeys: [String]?
    }

    /// Composes `yaml` into its root node, `nil` for an empty document.
    package static func compose(_ yaml: String) throws(Failure) -> Node? {
        do {
            return try Yams.compose(yaml: yaml, Resolver.basic, Constructor.default, .utf8)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                throw Failure(line: mark.line, problem: problem)
            case .reader(let problem, _, _, _):
                throw Failure(problem: problem)
            case .duplicatedKeysInMapping(let duplicates, let context):
                throw Failure(line: context.mark.line, duplicateKeys: duplicates)
            default:
                throw Failure()
            }
        } catch {
            throw Failure()
        }
    }
}

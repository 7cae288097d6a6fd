import Cordon
import CordonGuard

/// Reads the redaction operator the `--operator` and `--hash-key-file` options name.
enum OperatorOptions {
    /// The operator called `name`, with the key in `hashKeyFile` for `hash`.
    static func redactionOperator(named name: String, hashKeyFile: String?) throws -> RedactionOperator {
        let key = try hashKeyFile.map { (path) throws(GuardError) in try KeyFile.read(path, purpose: "hash key") }
        guard let redactionOperator = RedactionOperator(name: name, hashKey: key) else {
            throw CommandFailure("cannot use operator '\(name)'")
        }
        return redactionOperator
    }
}

import Foundation
import Cordon
import CordonGuard
import CordonJSON

extension JSONValue {
    /// An object value from `(name, value)` pairs built at run time, in order.
    static func members(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(pairs.map { JSONMember(name: $0.0, value: $0.1) })
    }

    /// The compact JSON text of the value.
    var text: String { String(decoding: serialized(), as: UTF8.self) }
}

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

import CordonJSON

extension JSONValue {
    /// An object value from `(name, value)` pairs built at run time, in order.
    static func members(_ pairs: [(String, JSONValue)]) -> JSONValue {
        .object(pairs.map { JSONMember(name: $0.0, value: $0.1) })
    }

    /// The compact JSON text of the value.
    var text: String { String(decoding: serialized(), as: UTF8.self) }
}

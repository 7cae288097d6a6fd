import CordonJSON

extension JSONValue {
    /// The value of an integer member, if this object has one.
    func integer(_ name: String) -> Int? {
        guard case .number(let text)? = self[name] else { return nil }
        return Int(text)
    }

    /// Sets member `name` of an object, appending it when absent.
    mutating func set(_ name: String, to value: JSONValue) {
        guard case .object(var members) = self else { return }
        if let index = members.firstIndex(where: { $0.name == name }) {
            members[index].value = value
        } else {
            members.append(JSONMember(name: name, value: value))
        }
        self = .object(members)
    }

    /// The bytes of a string value.
    var bytes: [UInt8]? {
        guard case .string(let bytes) = self else { return nil }
        return bytes
    }
}

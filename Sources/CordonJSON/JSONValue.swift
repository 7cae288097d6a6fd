/// A JSON value that keeps object members in order and strings as UTF-8 bytes.
///
/// The sidecar protocol and the Claude Code hook read and write JSON with this type rather than
/// with `JSONSerialization`: member order and number text survive a round trip unchanged, a
/// string may hold invalid UTF-8 read from the input (it is scanned as bytes, and written back
/// with U+FFFD in place of each invalid sequence), and parse errors never quote the input.
public enum JSONValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, kept as its JSON text so that it is written back exactly as read.
    case number(String)
    /// A string as UTF-8 bytes (escapes decoded); it may hold invalid UTF-8.
    case string([UInt8])
    /// An array.
    case array([JSONValue])
    /// An object, its members in the order read or built.
    case object([JSONMember])

    /// Parses one JSON text (surrounding white space allowed).
    ///
    /// The parser is strict: it rejects trailing text, duplicate member names, raw control
    /// characters in strings and nesting deeper than ``JSONParser/maximumDepth``.
    ///
    /// - Throws: ``JSONParseError`` naming the byte offset and the problem, never the input.
    public init(parsing bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) {
        var parser = JSONParser(bytes)
        self = try parser.parseDocument()
    }

    /// Parses one JSON text held in `bytes`.
    public init(parsing bytes: [UInt8]) throws(JSONParseError) {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                return .success(try JSONValue(parsing: buffer))
            } catch {
                return .failure(error)
            }
        }
        self = try result.get()
    }

    /// A string value from Swift text.
    public static func string(_ text: String) -> JSONValue { .string(Array(text.utf8)) }

    /// An integer number value.
    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// An object value from `(name, value)` pairs, in order.
    public static func object(_ members: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(members.map { JSONMember(name: $0.key, value: $0.value) })
    }

    /// The value of the member called `name`, when this is an object that has one.
    public subscript(name: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.name == name }?.value
    }

    /// The string as text (invalid UTF-8 shown as U+FFFD), when this is a string.
    public var stringValue: String? {
        guard case .string(let bytes) = self else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The members, when this is an object.
    public var members: [JSONMember]? {
        guard case .object(let members) = self else { return nil }
        return members
    }

    /// Whether this is an object.
    public var isObject: Bool {
        if case .object = self { return true }
        return false
    }

    /// The compact JSON text of the value, as UTF-8 bytes.
    public func serialized() -> [UInt8] {
        // One allocation for a typical response or event; the output doubles beyond it.
        var output: [UInt8] = []
        output.reserveCapacity(Self.initialCapacity)
        write(to: &output)
        return output
    }

    /// Appends the compact JSON text of the value to `output`.
    public func write(to output: inout [UInt8]) {
        switch self {
        case .null: Self.append("null", to: &output)
        case .bool(let value): Self.append(value ? "true" : "false", to: &output)
        case .number(let text):
            var text = text
            text.withUTF8 { output.append(contentsOf: $0) }
        case .string(let bytes): bytes.withUnsafeBufferPointer { JSONValue.writeString($0, to: &output) }
        case .array(let items):
            output.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                item.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                var name = member.name
                name.withUTF8 { JSONValue.writeString($0, to: &output) }
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// The capacity ``serialized()`` starts with: a sidecar response or a stream event fits.
    static let initialCapacity = 256

    /// Appends a literal's bytes as one copy (a `String.UTF8View` was appended byte by byte).
    @inline(__always)
    private static func append(_ literal: StaticString, to output: inout [UInt8]) {
        output.append(contentsOf: UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let replacementCharacter: [UInt8] = [0xEF, 0xBF, 0xBD]

    /// Writes `bytes` as a JSON string: quotes, backslashes and control characters escaped,
    /// valid UTF-8 copied, every invalid UTF-8 sequence replaced by U+FFFD.
    ///
    /// The bytes that need no escape and no UTF-8 check are found a word at a time
    /// (``JSONStringBytes``) and copied as one run; escapes are appended byte by byte, without
    /// the temporary array each one allocated (code in a request body has one on every line).
    static func writeString(_ bytes: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) {
        // Room for the string without escapes, grown geometrically: a reservation of exactly
        // what each string needs reallocated the whole output for every string of an object.
        let needed = output.count + bytes.count + 2
        if output.capacity < needed { output.reserveCapacity(Swift.max(needed, 2 * output.capacity)) }
        output.append(UInt8(ascii: "\""))
        var index = 0
        let count = bytes.count
        while index < count {
            let stop = JSONStringBytes.firstStop(writing: bytes, from: index)
            if stop > index {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<stop]))
                index = stop
                if index == count { break }
            }
            let byte = bytes[index]
            if byte < 0x80 {
                output.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): output.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): output.append(UInt8(ascii: "\\"))
                case 0x0A: output.append(UInt8(ascii: "n"))
                case 0x0D: output.append(UInt8(ascii: "r"))
                case 0x09: output.append(UInt8(ascii: "t"))
                default:
                    output.append(UInt8(ascii: "u"))
                    output.append(UInt8(ascii: "0"))
                    output.append(UInt8(ascii: "0"))
                    output.append(hexDigits[Int(byte >> 4)])
                    output.append(hexDigits[Int(byte & 0xF)])
                }
                index += 1
                continue
            }
            let length = UTF8Validation.sequenceLength(bytes, at: index)
            if length > 0 {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<(index + length)]))
                index += length
            } else {
                output += replacementCharacter
                index += 1
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

import Cordon
import CordonGuard
import CordonJSON
import FuzzSupport

/// Parses arbitrary bytes with `JSONValue(parsing:)` (the parser of `cordon serve` request lines
/// and of hook events) and checks:
///
/// - `error-offset`: a parse error's offset lies within the input (0...count).
/// - `reparse`: the serialized form of a parsed value parses again; `serialize-fixpoint`:
///   serializing that again gives the same bytes; `roundtrip`: the value parsed again equals the
///   first one whenever every string in it is valid UTF-8 (invalid UTF-8 is written as U+FFFD, by
///   design).
/// - `valid-json`: the serialized form is RFC 8259 JSON by an independent grammar check
///   (`JSONGrammar`; Foundation's JSONSerialization is no oracle: it rejects numbers beyond
///   Double's range, which JSON allows).
/// - `accepts-valid`: every input the grammar check accepts, with no duplicate member names and
///   nesting within 512, parses.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let value: JSONValue
    do {
        value = try JSONValue(parsing: input)
    } catch {
        Fuzz.check(
            error.offset >= 0 && error.offset <= size, "error-offset", input: input,
            "offset \(error.offset) in \(size) bytes")
        if JSONGrammar.isValid(Array(input), maximumDepth: 500) {
            // Valid JSON that Cordon rejects: a duplicate member name is the one accepted reason.
            if error.message.contains("duplicate") {
                Fuzz.count("rejected-duplicate-name")
            } else {
                Fuzz.violated("accepts-valid", input: input, "valid JSON rejected: \(error)")
            }
        }
        return 0
    }
    let serialized = value.serialized()
    let again: JSONValue
    do {
        again = try JSONValue(parsing: serialized)
    } catch {
        Fuzz.violated("reparse", input: input, "the serialized value does not parse (\(error)): \(Fuzz.show(serialized, limit: 400))")
        return 0
    }
    Fuzz.check(
        again.serialized() == serialized, "serialize-fixpoint", input: input,
        "\(Fuzz.show(serialized, limit: 300)) -> \(Fuzz.show(again.serialized(), limit: 300))")
    if isValidUTF8Throughout(value) {
        Fuzz.check(again == value, "roundtrip", input: input, "parse(serialize(v)) != v for \(Fuzz.show(serialized, limit: 300))")
    } else {
        Fuzz.count("invalid-utf8-string")
    }
    Fuzz.check(
        JSONGrammar.isValid(serialized), "valid-json", input: input,
        "the serialized value is not RFC 8259 JSON: \(Fuzz.show(serialized, limit: 300))")
    return 0
}

func isValidUTF8Throughout(_ value: JSONValue) -> Bool {
    switch value {
    case .null, .bool, .number: true
    case .string(let bytes): String(validating: bytes, as: UTF8.self) != nil
    case .array(let items): items.allSatisfy(isValidUTF8Throughout)
    case .object(let members): members.allSatisfy { isValidUTF8Throughout($0.value) }
    }
}

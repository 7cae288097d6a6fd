@testable import CordonJSON
import Foundation
import Testing

/// The library's order-preserving JSON reader and writer, which the sidecar and hook rely on.
@Suite("JSONValue")
struct SidecarJSONValueTests {
    @Test("round trips keep member order, number text and escapes")
    func roundTrip() throws {
        let text = #"{"b":1,"a":[true,false,null,-0.5e+3,"x\"y\\z\n\u00e9\ud83d\ude00"],"c":{}}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value.members?.map(\.name) == ["b", "a", "c"])
        let written = String(decoding: value.serialized(), as: UTF8.self)
        #expect(written == #"{"b":1,"a":[true,false,null,-0.5e+3,"x\"y\\z\né😀"],"c":{}}"#)
    }

    @Test("malformed input is rejected without quoting it", arguments: [
        "", "{", "{\"a\":1,}", "[1,]", "{\"a\" 1}", "01", "1.", "\"abc", "{\"a\":1}x", "\"\u{01}\"", "{\"a\":1,\"a\":2}", "tru",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
    ])
    func rejects(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
    }

    @Test("a duplicate member name is rejected wherever it falls, in small and large objects", arguments: [1, 2, 11, 12, 13, 40])
    func duplicateNames(count: Int) throws {
        let names = (0..<count).map { "m\($0)" }
        let unique = "{" + names.map { "\"\($0)\":1" }.joined(separator: ",") + "}"
        #expect(try JSONValue(parsing: Array(unique.utf8)).members?.count == count)
        for repeated in [0, count / 2, count - 1] {
            let text = "{" + names.map { "\"\($0)\":1" }.joined(separator: ",") + ",\"m\(repeated)\":2}"
            #expect(throws: JSONParseError.self) { try JSONValue(parsing: Array(text.utf8)) }
        }
    }

    @Test("invalid UTF-8 inside strings is kept as bytes, and written as U+FFFD")
    func invalidUTF8() throws {
        let bytes: [UInt8] = [UInt8(ascii: "\""), 0x61, 0xFF, 0xC3, UInt8(ascii: "\"")]
        let value = try JSONValue(parsing: bytes)
        #expect(value == .string([0x61, 0xFF, 0xC3]))
        #expect(value.serialized() == Array("\"a\u{FFFD}\u{FFFD}\"".utf8))
    }
}

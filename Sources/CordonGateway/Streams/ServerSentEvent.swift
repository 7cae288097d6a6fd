/// One server-sent event: its `event` name, its `data` (lines joined with `\n`), and the other
/// fields, as read from an upstream or to be written to a client.
struct ServerSentEvent: Sendable, Equatable {
    /// The `event:` field, if any.
    var name: String?
    /// The `data:` lines joined with `\n`; `nil` when the event had no data line.
    var data: [UInt8]?
    /// Other lines (`id:`, `retry:`, comments), kept as read and written before the data.
    var otherLines: [[UInt8]] = []

    /// The event in wire form, ending with the blank line.
    func serialized() -> [UInt8] {
        var output: [UInt8] = []
        if let name { output += Array("event: \(name)\n".utf8) }
        for line in otherLines { output += line + [0x0A] }
        if let data {
            var start = 0
            for index in data.indices where data[index] == 0x0A {
                output += Array("data: ".utf8) + data[start..<index] + [0x0A]
                start = index + 1
            }
            output += Array("data: ".utf8) + data[start...] + [0x0A]
        }
        output.append(0x0A)
        return output
    }
}

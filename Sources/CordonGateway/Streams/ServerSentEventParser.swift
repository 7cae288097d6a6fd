/// Splits an event stream into events as its bytes arrive, in any pieces.
///
/// Lines end with LF, CRLF or CR; a blank line ends an event; a field's value drops one leading
/// space. A line longer than ``maximumEventBytes`` (or an event that size) is an error: the
/// stream is then treated as malformed, and the gateway fails closed.
struct ServerSentEventParser {
    /// The largest event accepted, in bytes.
    static let maximumEventBytes = 16 * 1024 * 1024

    private var buffer: [UInt8] = []
    private var scanned = 0
    private var current = ServerSentEvent()
    private var currentSize = 0
    private var hasFields = false
    private var lastWasCR = false

    /// The error for an event over the size limit.
    struct EventTooLarge: Error {}

    /// Appends `bytes` and returns the events they complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(EventTooLarge) -> [ServerSentEvent] {
        buffer += bytes
        var events: [ServerSentEvent] = []
        var lineStart = 0
        var index = scanned
        while index < buffer.count {
            let byte = buffer[index]
            if byte == 0x0A && lastWasCR && index == lineStart {
                // The LF of a CRLF whose CR already ended the line.
                lastWasCR = false
                lineStart = index + 1
                index += 1
                continue
            }
            lastWasCR = false
            if byte == 0x0A || byte == 0x0D {
                lastWasCR = byte == 0x0D
                if let event = try line(Array(buffer[lineStart..<index])) { events.append(event) }
                lineStart = index + 1
            }
            index += 1
        }
        buffer.removeFirst(lineStart)
        scanned = buffer.count
        guard buffer.count + currentSize <= Self.maximumEventBytes else { throw EventTooLarge() }
        return events
    }

    /// The event still open when the stream ends (its blank line never came), if it has fields.
    mutating func finish() throws(EventTooLarge) -> ServerSentEvent? {
        if !buffer.isEmpty {
            let rest = buffer
            buffer = []
            if let event = try line(rest) { return event }
        }
        guard hasFields else { return nil }
        defer { reset() }
        return current
    }

    private mutating func reset() {
        current = ServerSentEvent()
        currentSize = 0
        hasFields = false
    }

    private mutating func line(_ line: [UInt8]) throws(EventTooLarge) -> ServerSentEvent? {
        if line.isEmpty {
            guard hasFields else { return nil }
            defer { reset() }
            return current
        }
        hasFields = true
        currentSize += line.count + 1
        guard currentSize <= Self.maximumEventBytes else { throw EventTooLarge() }
        guard line[0] != UInt8(ascii: ":") else {
            current.otherLines.append(line)
            return nil
        }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.count
        var valueStart = colon + 1
        if valueStart < line.count, line[valueStart] == 0x20 { valueStart += 1 }
        let value = valueStart <= line.count ? Array(line[min(valueStart, line.count)...]) : []
        // The field name compared as bytes: one per line of every event.
        if Self.fieldIs(Self.dataField, line, colon) {
            if current.data == nil {
                current.data = value
            } else {
                current.data! += [0x0A] + value
            }
        } else if Self.fieldIs(Self.eventField, line, colon) {
            current.name = String(decoding: value, as: UTF8.self)
        } else {
            current.otherLines.append(line)
        }
        return nil
    }

    private static let dataField = Array("data".utf8)
    private static let eventField = Array("event".utf8)

    /// Whether `line[0..<colon]` is `field`.
    private static func fieldIs(_ field: [UInt8], _ line: [UInt8], _ colon: Int) -> Bool {
        colon == field.count && line[0..<colon].elementsEqual(field)
    }
}

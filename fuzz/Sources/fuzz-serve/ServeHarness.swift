import Cordon
import CordonGuard
import CordonJSON
import Foundation
import FuzzSupport

private let operatorNames = ["placeholder", "mask", "hash", "remove"]

/// Feeds arbitrary bytes to the `cordon serve` input path: `LineReader` (splitting standard input
/// into bounded lines) and `SidecarRequestProcessor` (one line to one response line and audit record).
/// Both are the CLI's own sources, linked into this target (see Package.swift). Checks:
///
/// - `line-split`: with a small line limit and read size chosen by the input's length, the lines
///   read are the input split at `\n` (a trailing `\r` dropped, an empty last line not reported),
///   and every line over the limit is reported as oversized with its first 256 bytes (at most);
/// - for every line (as `serve` reads it, limit 1 MiB), and for the oversized lines above:
///   `response-json`: the response is one JSON object with `ok` (a boolean) and `policy` (the
///   policy's version), without a raw line end; `id-echo`: its `id` is the request's `id` when
///   the request is an object with a string, number or null `id`; `leading-id`: for other lines,
///   a non-null `id` is a string or number read from the start of the line
///   (`SidecarRequestProcessor.leadingID`), and `leading-id-truncated`: a number id is the line's whole
///   id token, not its first digits; `oversized-prefix-short`: an oversized line's prefix is its
///   first 256 bytes (the id is read from it);
///   `error-shape`: `ok: false` comes with `error.code` and `error.message` strings, and the
///   record names that code; `request-size`: the size counted is the line's;
///   `error-quotes-input`: an error message holds no (distinctive) string of the request;
///   `response-leak`: a `scan` response holds no value found in the text, and a `redact`
///   response no value found above the destination's limit (standing alone in a decoded string
///   of the response: a JSON escape is not part of a value).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeBufferPointer(start: data, count: size)
    let policy = FuzzPolicies.all[(size / 3) % FuzzPolicies.all.count]
    let enforcer = PolicyEnforcer(engine: SharedEngine.engine, policy: policy)
    let processor = SidecarRequestProcessor(
        enforcer: enforcer, defaultOperatorName: operatorNames[size % operatorNames.count], hashKey: Array("fuzz-key".utf8))

    // Small limits: the line splitting, and the responses to oversized lines.
    let limit = size % 2 == 0 ? 1 + size % 61 : 250 + size % 61
    let lines = readLines(input, maximumLength: limit, chunkSize: 1 + size % 7)
    let raws = checkLineSplit(lines, input: input, limit: limit)
    for (index, line) in lines.enumerated() {
        guard case .oversized(let prefix) = line else { continue }
        let result = processor.oversized(prefix: prefix, limit: limit)
        checkResponse(
            result, line: nil, prefix: prefix, whole: index < raws.count ? raws[index] : prefix, processor: processor,
            policy: policy, input: input)
    }

    // The lines as `serve` reads them.
    for line in readLines(input, maximumLength: 1 << 20, chunkSize: 64 * 1024) {
        guard case .complete(let bytes) = line else {
            Fuzz.violated("line-split", input: input, "a line over 1 MiB in \(size) bytes")
            continue
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
        let result = processor.process(bytes)
        checkResponse(result, line: bytes, prefix: bytes, whole: bytes, processor: processor, policy: policy, input: input)
    }
    return 0
}

/// A number id read from the start of a malformed or oversized line must be the whole of the
/// line's `id` token: the number text, after `{"id":`, followed by a byte that cannot continue it.
func checkLeadingNumber(_ text: String, in line: [UInt8], shortPrefix: Bool, input: UnsafeBufferPointer<UInt8>) {
    let number = Array(text.utf8)
    guard let start = (0...max(0, line.count - number.count)).first(where: { line[$0...].starts(with: number) }) else {
        Fuzz.violated("leading-id", input: input, "id \(text) is not in the line")
        return
    }
    let end = start + number.count
    let continues = end < line.count && Array("0123456789-+.eE".utf8).contains(line[end])
    if continues && shortPrefix {
        // A consequence of `oversized-prefix-short`: the id was cut with the prefix.
        Fuzz.observe("leading-id-cut-with-short-prefix", input: input, "id \(text) from \(Fuzz.show(line.prefix(40)))")
        return
    }
    Fuzz.check(
        !continues, "leading-id-truncated", input: input,
        "the error response's id \(text) is cut from the longer token \(Fuzz.show(line[start..<min(line.count, end + 20)]))…")
}

/// Reads `input` through a pipe with a `LineReader`, driven as `SidecarServer.run()` drives it.
func readLines(_ input: UnsafeBufferPointer<UInt8>, maximumLength: Int, chunkSize: Int) -> [LineReader.Line] {
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { fatalError("pipe") }
    var written = 0
    while written < input.count {
        let count = write(fds[1], input.baseAddress! + written, input.count - written)
        guard count > 0 else { fatalError("write to pipe") }
        written += count
    }
    close(fds[1])
    defer { close(fds[0]) }
    var reader = LineReader(descriptor: fds[0], maximumLength: maximumLength, chunkSize: chunkSize)
    var lines: [LineReader.Line] = []
    while true {
        while let line = reader.nextBuffered() { lines.append(line) }
        if let last = reader.fill() { lines.append(last) }
        if reader.reachedEnd { break }
    }
    return lines
}

/// Checks the lines read against the input split at line ends; returns the raw lines.
@discardableResult
func checkLineSplit(_ lines: [LineReader.Line], input: UnsafeBufferPointer<UInt8>, limit: Int) -> [[UInt8]] {
    var expected = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    if expected.last?.isEmpty == true { expected.removeLast() }
    guard lines.count == expected.count else {
        Fuzz.violated("line-split", input: input, "\(lines.count) lines read, \(expected.count) expected (limit \(limit))")
        return []
    }
    for (index, (line, raw)) in zip(lines, expected).enumerated() {
        switch line {
        case .complete(let bytes):
            let stripped = raw.last == UInt8(ascii: "\r") ? Array(raw.dropLast()) : raw
            Fuzz.check(
                raw.count <= limit && bytes == stripped, "line-split", input: input,
                "line \(index + 1): read \(Fuzz.show(bytes)) for \(Fuzz.show(raw)) (limit \(limit))")
        case .oversized(let prefix):
            Fuzz.check(
                raw.count > limit && prefix.count <= LineReader.prefixLength && raw.starts(with: prefix), "line-split",
                input: input, "line \(index + 1) of \(raw.count) bytes: oversized with prefix \(Fuzz.show(prefix)) (limit \(limit))")
            Fuzz.check(
                prefix.count == min(raw.count, LineReader.prefixLength), "oversized-prefix-short", input: input,
                "line \(index + 1) of \(raw.count) bytes over the limit \(limit): prefix of \(prefix.count) bytes \(Fuzz.show(prefix)), expected \(min(raw.count, LineReader.prefixLength))")
        }
    }
    return expected
}

func checkResponse(
    _ result: ProcessedRequest, line: [UInt8]?, prefix: [UInt8], whole: [UInt8], processor: SidecarRequestProcessor, policy: Policy,
    input: UnsafeBufferPointer<UInt8>
) {
    let response = result.response
    Fuzz.check(!response.contains(UInt8(ascii: "\n")), "response-json", input: input, "a raw line end in \(Fuzz.show(response, limit: 300))")
    guard let reply = try? JSONValue(parsing: response), reply.isObject, case .bool(let ok)? = reply["ok"],
        reply["policy"]?.stringValue == policy.version
    else {
        Fuzz.violated("response-json", input: input, "not a response object: \(Fuzz.show(response, limit: 300))")
        return
    }
    Fuzz.check(result.requestSize == (line ?? prefix).count, "request-size", input: input, "size \(result.requestSize) for \((line ?? prefix).count) bytes")

    let request = line.flatMap { try? JSONValue(parsing: $0) }
    let id = reply["id"] ?? .null
    var requestID: JSONValue?
    if let request, request.isObject {
        requestID = request["id"] ?? .null
    }
    switch requestID {
    case .string?, .number?, .null?:
        // Compared as written: a string id with invalid UTF-8 is echoed with U+FFFD, by design.
        Fuzz.check(id.serialized() == requestID!.serialized(), "id-echo", input: input, "id \(Fuzz.show(id.serialized())) for request id \(Fuzz.show(requestID!.serialized()))")
    default:
        switch id {
        case .null: break
        case .string, .number:
            if request == nil {
                Fuzz.check(
                    id.serialized() == SidecarRequestProcessor.leadingID(prefix).serialized(), "leading-id", input: input, "id \(Fuzz.show(id.serialized())) is not the leading id")
                if case .number(let text) = id {
                    let shortPrefix = line == nil && prefix.count < min(whole.count, LineReader.prefixLength)
                    checkLeadingNumber(text, in: whole, shortPrefix: shortPrefix, input: input)
                }
            }
        default:
            Fuzz.violated("leading-id", input: input, "id \(Fuzz.show(id.serialized())) is not a string, number or null")
        }
    }

    let strings = request?.allStrings.filter { String(validating: $0, as: UTF8.self).map(isDistinctive) ?? false } ?? []
    if !ok {
        guard let code = reply["error"]?["code"]?.stringValue, let message = reply["error"]?["message"]?.stringValue else {
            Fuzz.violated("error-shape", input: input, "an error without code or message: \(Fuzz.show(response, limit: 300))")
            return
        }
        Fuzz.check(result.record.error == code, "error-shape", input: input, "record error \(result.record.error ?? "nil") for code \(code)")
        Fuzz.count("error-\(code)")
        let messageBytes = Array(message.utf8)
        // Messages are fixed text (lowercase words, field and operator names, digits) plus the
        // policy's destination names: a request string can only be quoted if it holds something
        // else — an uppercase letter (beyond "JSON"), a non-ASCII byte, or one of = + / @ $.
        for string in strings where Fuzz.contains(messageBytes, string) && isForeignToMessages(string) {
            Fuzz.violated("error-quotes-input", input: input, "the message \(Fuzz.show(messageBytes, limit: 300)) quotes \(Fuzz.show(string))")
        }
        return
    }
    guard let request, let op = request["op"]?.stringValue else { return }
    Fuzz.count("ok-\(op)")
    guard case .string(let text)? = request["text"] else { return }
    let limit: Level
    switch op {
    case "scan": limit = .public
    case "redact": limit = policy.destination(named: request["destination"]?.stringValue)?.maximumLevel ?? .restricted
    default: return
    }
    var body = reply
    if case .object(let members) = reply {
        // The id is the client's own text; only the rest of the response must be clean.
        body = .object(members.filter { $0.name != "id" })
    }
    // Compared with the response's decoded strings (what a client reads), not its serialized
    // bytes: a JSON escape such as `\n` before `SLACK=…` must not read as the letter `n`.
    let bodyStrings = body.allStrings
    for value in valuesAbove(limit, in: [text], engine: SharedEngine.engine, policy: policy)
    where bodyStrings.contains(where: { Fuzz.containsStandalone($0, value) }) {
        Fuzz.violated("response-leak", input: input, "the \(op) response \(Fuzz.show(body.serialized(), limit: 400)) holds the value \(Fuzz.show(value)) found above '\(limit.name)'")
    }
}

/// Whether `string` holds a byte that no fixed error message of `SidecarRequestProcessor` has.
func isForeignToMessages(_ string: [UInt8]) -> Bool {
    let text = String(decoding: string, as: UTF8.self).replacingOccurrences(of: "JSON", with: "")
    return text.utf8.contains { byte in
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte >= 0x80
            || [UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "$")].contains(byte)
    }
}

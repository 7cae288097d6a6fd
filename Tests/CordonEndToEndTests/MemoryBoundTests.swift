import CordonTestSupport
import Foundation
import Testing

/// Peak memory of the built `cordon` on pathological inputs: at most 4 times the input plus a
/// constant, for every shape and front end.
///
/// Peak RSS is a resource bound, not a timing, so it is asserted here: each case runs `cordon`
/// as a child of `/usr/bin/time` (its maximum resident set, in KiB, from the kernel's
/// `ru_maxrss` of that child alone), once on a tiny input of the same kind for the constant,
/// once on the large one. Before windowed scans, 10 MiB of `a` or `@` took 334 MB (~32×).
@Suite("Memory bounds")
struct MemoryBoundTests {
    /// The size of each pathological input.
    static let size = 8 << 20
    /// What the bound allows beyond 4× the input and the process's own start-up: one scan
    /// window's keyword hits, decoded layers and findings (``ScanLimits/window``).
    static let windowAllowance = 96 << 20

    /// A way to feed bytes to one front end.
    enum FrontEnd: String, CaseIterable {
        case redact, serve, hook

        var arguments: [String] {
            switch self {
            case .redact: ["redact"]
            case .serve: ["serve", "--max-bytes", String(MemoryBoundTests.size * 2), "--log-level", "warning"]
            case .hook: ["hook", "claude-code", "--log-level", "warning"]
            }
        }

        /// The request or event that carries `text` (ASCII without quotes or backslashes).
        func wrap(_ text: [UInt8]) -> [UInt8] {
            switch self {
            case .redact:
                return text
            case .serve:
                return Array(#"{"id":1,"op":"redact","text":""#.utf8) + text + Array("\"}\n".utf8)
            case .hook:
                let head = #"{"session_id":"s","transcript_path":"/tmp/t.jsonl","cwd":"/tmp","hook_event_name":"UserPromptSubmit","prompt":""#
                return Array(head.utf8) + text + Array("\"}".utf8)
            }
        }
    }

    /// The pathological shapes: a byte repeated (every byte in one long run, and in a decodable
    /// hex and base64 run), the keyword byte of many detectors repeated (a keyword hit per byte),
    /// random base64 (decoded layers as large as the input).
    static let shapes: [(name: String, make: @Sendable (Int) -> [UInt8])] = [
        ("one letter", { [UInt8](repeating: UInt8(ascii: "a"), count: $0) }),
        ("at signs", { [UInt8](repeating: UInt8(ascii: "@"), count: $0) }),
        ("base64", { count in
            var random = SeededGenerator(seed: 7)
            let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
            return (0..<count).map { _ in alphabet[Int(random.next() % 64)] }
        }),
    ]

    /// Every shape through `redact`; the issue's `serve` line (one letter) and hook event (at
    /// signs) through those front ends. (Dense findings — an e-mail address every 12 bytes — are
    /// measured in bench/bounds only: a debug build needs over a minute for 8 MiB of them.)
    static let cases: [(FrontEnd, Int)] = shapes.indices.map { (.redact, $0) } + [(.serve, 0), (.hook, 1)]

    /// Runs `cordon arguments` with `input` on standard input under GNU time; its exit status,
    /// peak RSS and standard error (without time's line).
    static func peak(_ arguments: [String], input: [UInt8], folder: TemporaryFolder) throws -> (
        status: Int32, bytes: Int, stderr: String
    ) {
        let inputFile = try folder.write("input-\(UUID().uuidString)", Data(input))
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/time")
        process.arguments = ["-f", "cordon-peak-kib %M", CordonProcess.executable.path] + arguments
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        let exit = ProcessExit(process)
        try process.run()
        let stderr = PipeReader(errors.fileHandleForReading)
        exit.wait()
        let text = String(decoding: stderr.wait(), as: UTF8.self)
        let line = try #require(text.split(separator: "\n").last { $0.hasPrefix("cordon-peak-kib ") })
        let kib = try #require(Int(line.dropFirst("cordon-peak-kib ".count)))
        return (process.terminationStatus, kib * 1024, text.replacingOccurrences(of: String(line), with: ""))
    }

    @Test("Peak memory is at most 4× the input plus a constant, for every shape and front end", arguments: cases.indices)
    func bounded(index: Int) throws {
        let (frontEnd, shape) = Self.cases[index]
        let (name, make) = Self.shapes[shape]
        let folder = try TemporaryFolder()
        let input = frontEnd.wrap(make(Self.size))
        let small = try Self.peak(frontEnd.arguments, input: frontEnd.wrap(make(1024)), folder: folder)
        let large = try Self.peak(frontEnd.arguments, input: input, folder: folder)
        // The run may decide anything (redact, block, fail closed) but must not crash.
        #expect([0, 1, 2].contains(large.status), "\(frontEnd) \(name): exit \(large.status)")
        let limit = small.bytes + 4 * input.count + Self.windowAllowance
        #expect(
            large.bytes <= limit,
            "\(frontEnd) \(name): peak \(large.bytes >> 20) MiB for \(input.count >> 20) MiB of input (limit \(limit >> 20) MiB)")
    }

    @Test("A hook event over --max-bytes is refused while it is read: exit 2, a clear message, never held whole")
    func hookRefusesLargeEvents() throws {
        let folder = try TemporaryFolder()
        let event = FrontEnd.hook.wrap([UInt8](repeating: UInt8(ascii: "@"), count: 16 << 20))
        let refused = try Self.peak(["hook", "claude-code", "--max-bytes", String(1 << 20)], input: event, folder: folder)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("larger than --max-bytes (1048576 bytes); blocked (fail closed)"))
        let small = try Self.peak(FrontEnd.hook.arguments, input: FrontEnd.hook.wrap(Array("hello".utf8)), folder: folder)
        let peak = refused.bytes
        // The event is read only up to the limit (plus one read): far below its 16 MiB.
        #expect(peak <= small.bytes + (4 << 20), "peak \(peak >> 20) MiB")
    }
}

import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `cordon scan`: report findings in files, folders or standard input.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Report secrets and personal data in files, folders or standard input.",
        discussion: """
            Folders are walked in sorted order; .git folders and binary files (a NUL byte in the \
            first 8 KiB, unless the file is UTF-16 text) are skipped while walking, and every \
            skipped file is listed with its reason. Findings name the detector, category, level \
            and position, never the value.
            """
    )

    /// The output formats of `cordon scan`.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, jsonl, sarif
    }

    @Argument(help: ArgumentHelp("Files or folders to scan; '-' or none reads standard input.", valueName: "path"))
    var paths: [String] = []

    @Option(help: "Output format: text, json, jsonl or sarif.")
    var format: Format = .text

    // Optional, so that `--help` names the default (ArgumentParser would print a level's raw
    // number).
    @Option(name: .customLong("fail-level"), help: "Exit 1 when something at or above this level is found (default: confidential).")
    var failLevelOption: Level?

    @Option(
        name: .customLong("min-confidence"),
        help: "Report only findings of at least this confidence: low, medium or high (default: low).")
    var minimumConfidenceOption: Confidence?

    var failLevel: Level { failLevelOption ?? .confidential }
    var minimumConfidence: Confidence { minimumConfidenceOption ?? .low }

    @Option(help: "Files scanned in parallel (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var detectorOptions: DetectorOptions

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard failLevel > .public else { throw ValidationError("--fail-level must be internal, confidential or restricted") }
    }

    func run() throws {
        let engine = try detectorOptions.makeEngine()
        let (inputs, collectErrors) = Inputs.collect(paths)
        var errors = collectErrors.map(PathEscaping.escaped)
        let report = ScanReport(format: format, engine: engine)
        let progress = Progress(enabled: paths.contains { Inputs.isFolder($0) } && isatty(STDERR_FILENO) == 1)
        var highest = Level.public

        // Files are scanned on `threads` workers that each take the next file as soon as they are
        // free (no batches: a large file holds up no other worker); outcomes are printed in
        // input order as they complete. Large files and standard input are scanned here, as
        // bounded streams, when their turn comes.
        let minimumConfidence = minimumConfidence
        let pipeline = ScanPipeline<Outcome>(count: inputs.count, threads: threads) { index in
            let input = inputs[index]
            // A file's size is learnt when it is opened (``scanInput``): one walk of its path.
            if input.isStandardInput { return .streamed }
            return Self.scanInput(input, with: engine, minimumConfidence: minimumConfidence)
        }
        pipeline.run { index, outcome in
            let input = inputs[index]
            switch outcome {
            case .scanned(let result, let size):
                if !result.isComplete {
                    errors.append("\(PathEscaping.escaped(input.path)): scan incomplete: " + result.failures.map { $0.description }.joined(separator: "; "))
                }
                highest = max(highest, result.levelWithoutTestValues)
                report.add(path: input.path, result: result)
                progress.advance(bytes: size)
            case .skipped(let reason):
                report.skip(path: input.path, reason: reason)
                progress.advance(bytes: 0)
            case .failed(let message, let reason):
                errors.append(message)
                if let reason { report.skip(path: input.path, reason: reason) }
            case .streamed:
                do {
                    switch try Self.scanStream(input, with: engine, minimumConfidence: minimumConfidence, report: report) {
                    case .scanned(let summary, let size):
                        if !summary.isComplete {
                            errors.append("\(PathEscaping.escaped(input.path)): scan incomplete: " + summary.failures.map { $0.description }.joined(separator: "; "))
                        }
                        highest = max(highest, summary.level)
                        progress.advance(bytes: size)
                    case .skipped(let reason):
                        report.skip(path: input.path, reason: reason)
                        progress.advance(bytes: 0)
                    }
                } catch {
                    errors.append("\(error)")
                    if let reason = (error as? StreamFailure)?.reason { report.skip(path: input.path, reason: reason) }
                }
            }
        }
        progress.finish()
        report.finish(succeeded: errors.isEmpty)
        if let failure = report.outputFailure {
            // Nothing more reaches standard output, so the report is incomplete whatever was found.
            errors.append("cannot write the report to standard output (\(String(cString: strerror(failure))))")
        }
        for error in errors { Diagnostics.write("cordon: " + error) }
        if !errors.isEmpty { throw ExitCode(2) }
        if highest >= failLevel { throw ExitCode(1) }
    }

    /// What happened to one input.
    enum Outcome: Sendable {
        case scanned(ScanResult, size: Int)
        /// Not scanned, for `reason`.
        case skipped(SkipReason)
        /// An error: `message` for standard error (file names escaped); `reason` when the file is
        /// also listed as skipped.
        case failed(String, SkipReason?)
        /// To be scanned as a stream by the thread that prints (standard input, large files).
        case streamed
    }

    /// Files above this size, and standard input, are scanned as streams in bounded windows.
    static let streamingThreshold = 16 << 20

    private static func scanInput(_ input: Input, with engine: Engine, minimumConfidence: Confidence) -> Outcome {
        let data: Data
        do {
            if input.isStandardInput {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                guard let whole = try Input.readFile(input.path, expectedSize: input.knownSize, unlessLargerThan: Self.streamingThreshold) else {
                    return .streamed
                }
                data = whole
            }
        } catch {
            let detail = (error as? FileReadError)?.reason ?? "read error"
            return .failed(
                "\(PathEscaping.escaped(input.path)): cannot read the file (\(detail))",
                input.isStandardInput ? nil : .unreadable(detail: detail))
        }
        let head = data.prefix(8192)
        let utf16 = head.withUnsafeBytes { head in
            memchr(head.baseAddress!, 0, head.count) == nil ? nil : TextEncodingSniffer.utf16(head)
        }
        if input.foundInFolder, utf16 == nil, Input.looksBinary(data) { return .skipped(.binary) }
        var result: ScanResult
        if let utf16, !utf16.hasByteOrderMark {
            result = scanWithByteOrderMark(data, order: utf16.order, engine: engine)
        } else {
            result = data.withUnsafeBytes { raw in engine.scan(raw.bindMemory(to: UInt8.self)) }
        }
        result = result.filtered(minimumConfidence: minimumConfidence)
        return .scanned(result, size: data.count)
    }

    /// Scans UTF-16 text that has no byte-order mark as if it had one, so that the engine
    /// decodes it as it decodes a file with one; positions are the file's own.
    private static func scanWithByteOrderMark(_ data: Data, order: TextEncodingSniffer.ByteOrder, engine: Engine) -> ScanResult {
        var marked: [UInt8] = order == .littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
        marked.reserveCapacity(data.count + 2)
        marked.append(contentsOf: data)
        var result = engine.scan(marked)
        result.findings = result.findings.map { finding in
            var shifted = finding
            shifted.range = max(0, finding.range.lowerBound - 2)..<max(0, finding.range.upperBound - 2)
            if finding.line == 1 { shifted.column = max(1, finding.column - 2) }
            return shifted
        }
        return result
    }

    /// A stream that could not be read: an error, and the file is listed as skipped.
    struct StreamFailure: Error, CustomStringConvertible {
        var description: String
        var reason: SkipReason?
    }

    /// What a stream scan did.
    enum StreamOutcome {
        case scanned(StreamSummary, size: Int)
        case skipped(SkipReason)
    }

    /// Scans standard input or a large file through a bounded window, reading with read(2) and
    /// writing each window's findings to `report` at once; a walked file that looks binary, or
    /// is UTF-16 text too large to decode, is skipped.
    static func scanStream(
        _ input: Input, with engine: Engine, minimumConfidence: Confidence, report: ScanReport
    ) throws -> StreamOutcome {
        let descriptor = input.isStandardInput ? STDIN_FILENO : open(input.path, O_RDONLY)
        guard descriptor >= 0 else {
            let detail = String(cString: strerror(errno))
            throw StreamFailure(
                description: "\(PathEscaping.escaped(input.path)): cannot read the file (\(detail))",
                reason: input.isStandardInput ? nil : .unreadable(detail: detail))
        }
        defer { if !input.isStandardInput { close(descriptor) } }
        if input.foundInFolder {
            var head = [UInt8](repeating: 0, count: 8192)
            let count = pread(descriptor, &head, head.count, 0)
            if count > 0 {
                let skip: SkipReason? = head.withUnsafeBytes { raw in
                    let head = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                    guard memchr(head.baseAddress!, 0, count) != nil else { return nil }
                    return TextEncodingSniffer.utf16(head) == nil ? .binary : .tooLarge(limit: engine.limits.maximumDecodedInput)
                }
                if let skip { return .skipped(skip) }
            }
        }
        var total = 0
        var level = Level.public
        var count = 0
        let summary = try engine.scan(
            reading: { buffer in
                while true {
                    let count = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
                    if count >= 0 {
                        total += count
                        return count
                    }
                    if errno != EINTR {
                        throw CommandFailure("\(PathEscaping.escaped(input.path)): cannot read (\(String(cString: strerror(errno))))")
                    }
                }
            },
            handle: { findings in
                let kept = findings.filter { $0.confidence >= minimumConfidence }
                for finding in kept where !finding.isTestValue { level = max(level, finding.level) }
                count += kept.count
                report.add(path: input.path, findings: kept)
            })
        report.endFile(path: input.path, level: level, findingCount: count)
        var filtered = summary
        filtered.level = level
        filtered.findingCount = count
        return .scanned(filtered, size: total)
    }
}

extension Inputs {
    static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// A one-line progress display on standard error, for folder scans in a terminal.
final class Progress {
    private let enabled: Bool
    private var files = 0
    private var bytes = 0
    private var lastDraw = DispatchTime.now().uptimeNanoseconds

    init(enabled: Bool) { self.enabled = enabled }

    func advance(bytes: Int) {
        files += 1
        self.bytes += bytes
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastDraw > 100_000_000 {
            lastDraw = now
            FileHandle.standardError.write(Data("\r\u{1B}[Kscanned \(files) files, \(self.bytes / 1_000_000) MB".utf8))
        }
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

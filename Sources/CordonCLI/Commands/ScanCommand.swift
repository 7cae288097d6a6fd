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
            first 8 KiB) are skipped while walking. Findings name the detector, category, level \
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
        var errors = collectErrors
        let report = ScanReport(format: format, engine: engine)
        let progress = Progress(enabled: paths.contains { Inputs.isFolder($0) } && isatty(STDERR_FILENO) == 1)
        var highest = Level.public

        // Small files are scanned in parallel in batches, large files and standard input as
        // bounded streams; results are printed in input order either way.
        let batchSize = max(threads * 8, 16)
        var batch: [Input] = []
        func flushBatch() {
            let outcomes = Self.scan(batch, with: engine, threads: threads, minimumConfidence: minimumConfidence)
            for (input, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .scanned(let result, let size):
                    if !result.isComplete {
                        errors.append("\(input.path): scan incomplete: " + result.failures.map { $0.description }.joined(separator: "; "))
                    }
                    highest = max(highest, result.levelWithoutTestValues)
                    report.add(path: input.path, result: result)
                    progress.advance(bytes: size)
                case .skipped:
                    progress.advance(bytes: 0)
                case .failed(let message):
                    errors.append(message)
                }
            }
            batch.removeAll()
        }
        for input in inputs {
            guard input.isStandardInput || input.size > Self.streamingThreshold else {
                batch.append(input)
                if batch.count == batchSize { flushBatch() }
                continue
            }
            flushBatch()
            do {
                if let (summary, size) = try Self.scanStream(input, with: engine, minimumConfidence: minimumConfidence, report: report) {
                    if !summary.isComplete {
                        errors.append("\(input.path): scan incomplete: " + summary.failures.map { $0.description }.joined(separator: "; "))
                    }
                    highest = max(highest, summary.level)
                    progress.advance(bytes: size)
                } else {
                    progress.advance(bytes: 0)
                }
            } catch {
                errors.append("\(error)")
            }
        }
        flushBatch()
        progress.finish()
        report.finish()
        for error in errors { Diagnostics.write("cordon: " + error) }
        if !errors.isEmpty { throw ExitCode(2) }
        if highest >= failLevel { throw ExitCode(1) }
    }

    /// What happened to one input.
    enum Outcome: Sendable {
        case scanned(ScanResult, size: Int)
        case skipped
        case failed(String)
    }

    /// Scans `inputs` on up to `threads` threads; the outcomes are in input order.
    static func scan(_ inputs: [Input], with engine: Engine, threads: Int, minimumConfidence: Confidence) -> [Outcome] {
        let outcomes = OutcomeBuffer(count: inputs.count)
        let scanOne: @Sendable (Int) -> Void = { index in
            outcomes.set(index, scanInput(inputs[index], with: engine, minimumConfidence: minimumConfidence))
        }
        if threads == 1 || inputs.count == 1 {
            for index in inputs.indices { scanOne(index) }
        } else {
            let queue = DispatchQueue(label: "cordon.scan", attributes: .concurrent)
            let group = DispatchGroup()
            let slots = DispatchSemaphore(value: threads)
            for index in inputs.indices {
                slots.wait()
                queue.async(group: group) {
                    scanOne(index)
                    slots.signal()
                }
            }
            group.wait()
        }
        return outcomes.values
    }

    /// Files above this size, and standard input, are scanned as streams in bounded windows.
    static let streamingThreshold = 16 << 20

    private static func scanInput(_ input: Input, with engine: Engine, minimumConfidence: Confidence) -> Outcome {
        do {
            guard let data = try input.read() else { return .skipped }
            let result = data.withUnsafeBytes { raw in engine.scan(raw.bindMemory(to: UInt8.self)) }
                .filtered(minimumConfidence: minimumConfidence)
            return .scanned(result, size: data.count)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Scans standard input or a large file through a bounded window, reading with read(2) and
    /// writing each window's findings to `report` at once; `nil` for a walked file that looks
    /// binary.
    static func scanStream(
        _ input: Input, with engine: Engine, minimumConfidence: Confidence, report: ScanReport
    ) throws -> (StreamSummary, size: Int)? {
        let descriptor = input.isStandardInput ? STDIN_FILENO : open(input.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CommandFailure("\(input.path): cannot read the file (\(String(cString: strerror(errno))))")
        }
        defer { if !input.isStandardInput { close(descriptor) } }
        if input.foundInFolder {
            var head = [UInt8](repeating: 0, count: 8192)
            let count = pread(descriptor, &head, head.count, 0)
            if count > 0, head[0..<count].contains(0) { return nil }
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
                        throw CommandFailure("\(input.path): cannot read (\(String(cString: strerror(errno))))")
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
        return (filtered, total)
    }
}

/// Slots for results written by concurrent workers, each slot by exactly one worker.
final class OutcomeBuffer: @unchecked Sendable {
    private var storage: [ScanCommand.Outcome]
    private let lock = NSLock()

    init(count: Int) { storage = Array(repeating: .skipped, count: count) }

    func set(_ index: Int, _ outcome: ScanCommand.Outcome) {
        lock.lock()
        storage[index] = outcome
        lock.unlock()
    }

    var values: [ScanCommand.Outcome] {
        lock.lock()
        defer { lock.unlock() }
        return storage
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

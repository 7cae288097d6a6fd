import Foundation

/// Runs the built `cordon` executable over real pipes, for end-to-end tests.
///
/// The executable is found next to the test bundle (SwiftPM builds it because the test target
/// depends on it), so the tests exercise exactly what users run.
struct CordonProcess {
    /// What one run produced.
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// The non-empty lines of standard output.
        var stdoutLines: [String] { stdoutText.split(separator: "\n").map(String.init) }
    }

    /// The path of the built `cordon` executable.
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = testBinary.deletingLastPathComponent()
        // On Linux the test binary is `<build>/debug/<package>PackageTests.xctest`.
        while !FileManager.default.isExecutableFile(atPath: folder.appending(path: "cordon").path) {
            let parent = folder.deletingLastPathComponent()
            precondition(parent != folder, "cannot find the cordon executable next to the tests")
            folder = parent
        }
        return folder.appending(path: "cordon")
    }()

    /// The repository root (for `corpus/`, `detectors/`, `examples/`).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `cordon` with `arguments`, writing `input` to its standard input and closing it.
    static func run(_ arguments: [String], input: Data = Data(), currentDirectory: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Read both outputs on their own threads so a full pipe never blocks the child.
        let outData = PipeReader(stdout.fileHandleForReading)
        let errData = PipeReader(stderr.fileHandleForReading)
        if !input.isEmpty { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: outData.wait(), stderr: errData.wait())
    }

    /// Runs `cordon` with `arguments` and UTF-8 `input`.
    static func run(_ arguments: [String], input: String) throws -> Output {
        try run(arguments, input: Data(input.utf8))
    }
}

/// Reads a pipe to its end on a background thread.
final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}

/// A scratch folder removed when the value is released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "cordon-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` (creating folders) and returns its URL.
    @discardableResult
    func write(_ name: String, _ contents: Data) throws -> URL {
        let file = url.appending(path: name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file)
        return file
    }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> URL { try write(name, Data(contents.utf8)) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

import Foundation

/// Runs the built `cordon` executable over real pipes, for end-to-end tests.
///
/// The executable is found next to the test bundle (SwiftPM builds it because the test target
/// depends on it), so the tests exercise exactly what users run.
package struct CordonProcess {
    /// What one run produced.
    package struct Output {
        package var status: Int32
        package var stdout: Data
        package var stderr: Data
        package var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        package var stderrText: String { String(decoding: stderr, as: UTF8.self) }
        /// The non-empty lines of standard output.
        package var stdoutLines: [String] { stdoutText.split(separator: "\n").map(String.init) }
    }

    /// The path of the built `cordon` executable.
    ///
    /// `CORDON_EXECUTABLE` names it when set (to test an installed or release build); otherwise it
    /// is the `cordon` in the build products folder that holds the test bundle, found from the
    /// loaded bundles and the test runner's own path, which SwiftPM places there on every
    /// platform (on Linux the runner is `<products>/<package>PackageTests.xctest`, on macOS the
    /// bundle of that name is loaded by `xctest`).
    package static let executable: URL = {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["CORDON_EXECUTABLE"], !path.isEmpty { return URL(fileURLWithPath: path) }
        var starts = Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        starts.append(URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent())
        if FileManager.default.fileExists(atPath: "/proc/self/exe") {
            starts.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        }
        for start in starts {
            var folder = start
            while true {
                let candidate = folder.appending(path: "cordon")
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isFolder), !isFolder.boolValue,
                    FileManager.default.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                let parent = folder.deletingLastPathComponent()
                if parent.path == folder.path { break }
                folder = parent
            }
        }
        preconditionFailure("cannot find the built cordon executable next to the tests; set CORDON_EXECUTABLE")
    }()

    /// The repository root (for `corpus/`, `detectors/`, `examples/`): two folders above this
    /// file, `Tests/CordonTestSupport/`.
    package static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `cordon` with `arguments`, writing `input` to its standard input and closing it.
    package static func run(_ arguments: [String], input: Data = Data(), currentDirectory: URL? = nil) throws -> Output {
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
        let exit = ProcessExit(process)
        try process.run()
        // Read both outputs on their own threads so a full pipe never blocks the child.
        let outData = PipeReader(stdout.fileHandleForReading)
        let errData = PipeReader(stderr.fileHandleForReading)
        if !input.isEmpty { stdin.fileHandleForWriting.write(input) }
        try stdin.fileHandleForWriting.close()
        exit.wait()
        return Output(status: process.terminationStatus, stdout: outData.wait(), stderr: errData.wait())
    }

    /// Runs `cordon` with `arguments` and UTF-8 `input`.
    package static func run(_ arguments: [String], input: String) throws -> Output {
        try run(arguments, input: Data(input.utf8))
    }
}

/// Reads a pipe to its end on a background thread.
package final class PipeReader: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    package init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    package func wait() -> Data {
        done.wait()
        return data
    }
}

/// A scratch folder removed when the value is released.
package final class TemporaryFolder {
    package let url: URL

    package init() throws {
        url = FileManager.default.temporaryDirectory.appending(path: "cordon-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` (creating folders) and returns its URL.
    @discardableResult
    package func write(_ name: String, _ contents: Data) throws -> URL {
        let file = url.appending(path: name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try contents.write(to: file)
        return file
    }

    @discardableResult
    package func write(_ name: String, _ contents: String) throws -> URL { try write(name, Data(contents.utf8)) }

    deinit { try? FileManager.default.removeItem(at: url) }
}

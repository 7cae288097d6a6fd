import Foundation

/// One input to scan: standard input, a file named on the command line, or a file found by
/// walking a folder.
struct Input: Sendable {
    /// The path as reached from the argument (`-` for standard input).
    var path: String
    /// Whether the file was found by walking a folder (and so may be skipped as binary).
    var foundInFolder: Bool
    /// The size seen while walking the folder (`lstat`), so that a folder scan needs no second
    /// `stat` per file; `nil` when not known yet.
    var knownSize: Int? = nil

    var isStandardInput: Bool { path == "-" }

    /// The file's size in bytes (0 for standard input or when unknown).
    var size: Int {
        guard !isStandardInput else { return 0 }
        if let knownSize { return knownSize }
        var info = stat()
        return stat(path, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Whether the first 8 KiB of `data` hold a NUL byte and do not look like UTF-16 text.
    static func looksBinary(_ data: Data) -> Bool {
        data.withUnsafeBytes { looksBinary(UnsafeRawBufferPointer(rebasing: $0.prefix(8192))) }
    }

    /// Whether `head` (a file's first bytes) holds a NUL byte and does not look like UTF-16 text.
    static func looksBinary(_ head: UnsafeRawBufferPointer) -> Bool {
        guard let base = head.baseAddress, memchr(base, 0, head.count) != nil else { return false }
        return TextEncodingSniffer.utf16(head) == nil
    }

    /// Reads the whole input; `nil` for a walked file that looks binary (a NUL byte in its first
    /// 8 KiB, unless it looks like UTF-16 text).
    func read() throws -> Data? {
        let data: Data
        if isStandardInput {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            data = try Self.readFile(path)
        }
        if foundInFolder, Self.looksBinary(data) { return nil }
        return data
    }
}

extension Input {
    /// The whole file at `path`, read with one `read` call per chunk into one buffer (no URL, no
    /// memory map: most scanned files are small, and a map costs more than it saves for them).
    ///
    /// The buffer is allocated one byte larger than the file, uninitialised, so a file read
    /// whole needs no second buffer to see the end: zero-filling a `Data` and growing it by 64 KiB
    /// to read the end cost about a tenth of a folder scan of ordinary text (callgrind).
    ///
    /// With `expectedSize` (the size a folder walk saw with `lstat`), the file is not looked at
    /// again with `fstat`, and a read that ends short having filled exactly that many bytes is
    /// the end of the file: no further `read` is made to see 0 come back. The reason: a folder
    /// scan of many small files spent a sixth of its time in the kernel (#13, dense corpus), and
    /// these are two of a file's six system calls. A file that grew since the walk fills the
    /// buffer (one byte larger than the size seen) and is read on to its end as before.
    static func readFile(_ path: String, expectedSize: Int? = nil) throws -> Data {
        func failure(_ code: Int32) -> FileReadError {
            let reason = code == EACCES ? "permission denied" : code == ENOENT ? "no such file" : String(cString: strerror(code))
            return FileReadError(path: path, reason: reason)
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(errno) }
        defer { close(descriptor) }
        let size: Int
        if let expectedSize {
            size = expectedSize
        } else {
            var status = stat()
            guard fstat(descriptor, &status) == 0 else { throw failure(errno) }
            size = Int(status.st_size)
        }
        var capacity = max(size, 0) + 1
        guard var buffer = malloc(capacity) else { throw failure(ENOMEM) }
        var filled = 0
        while true {
            if filled == capacity {  // the file grew, or its size is unknown (a pipe, /proc)
                capacity += max(64 * 1024, capacity)
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw failure(ENOMEM)
                }
                buffer = grown
            }
            let count = Glibc.read(descriptor, buffer + filled, capacity - filled)
            if count < 0 {
                if errno == EINTR { continue }
                free(buffer)
                throw failure(errno)
            }
            if count == 0 { break }
            filled += count
            if expectedSize != nil, filled == size, filled < capacity { break }
        }
        return Data(bytesNoCopy: buffer, count: filled, deallocator: .free)
    }
}

/// A file that could not be read: its path and the system's reason (never its content).
struct FileReadError: Error, CustomStringConvertible {
    var path: String
    /// `permission denied`, `no such file`, or the system's text for the error.
    var reason: String
    var description: String { "\(path): cannot read the file (\(reason))" }
}

/// Turns command-line paths into inputs.
enum Inputs {
    /// Expands `arguments` (no arguments: standard input) into inputs, walking folders in
    /// sorted order and skipping `.git` folders; a missing path is reported in `errors`.
    static func collect(_ arguments: [String]) -> (inputs: [Input], errors: [String]) {
        var inputs: [Input] = []
        var errors: [String] = []
        for argument in arguments.isEmpty ? ["-"] : arguments {
            if argument == "-" {
                inputs.append(Input(path: "-", foundInFolder: false))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                errors.append("\(argument): no such file or folder")
                continue
            }
            if isDirectory.boolValue {
                walk(argument, into: &inputs, errors: &errors)
            } else {
                inputs.append(Input(path: argument, foundInFolder: false))
            }
        }
        return (inputs, errors)
    }

    private static func walk(_ folder: String, into inputs: inout [Input], errors: inout [String]) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            errors.append("\(folder): cannot read the folder (\(reason(error)))")
            return
        }
        for name in names where name != ".git" {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            switch info.st_mode & S_IFMT {
            case S_IFDIR: walk(path, into: &inputs, errors: &errors)
            case S_IFREG: inputs.append(Input(path: path, foundInFolder: true, knownSize: Int(info.st_size)))
            default: continue  // Links, sockets, devices: not followed while walking.
            }
        }
    }

    /// A short reason for a file-system error, without the path or any content.
    static func reason(_ error: Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if nsError.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(nsError.code))) }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoPermissionError { return "permission denied" }
        if nsError.domain == NSCocoaErrorDomain, nsError.code == NSFileReadNoSuchFileError { return "no such file" }
        return "read error"
    }
}

import Foundation

/// One input to scan: standard input, a file named on the command line, or a file found by
/// walking a folder.
struct Input: Sendable {
    /// The path as reached from the argument (`-` for standard input).
    var path: String
    /// Whether the file was found by walking a folder (and so may be skipped as binary).
    var foundInFolder: Bool
    /// The size seen while walking the folder, when the walk had to `lstat` the entry (a file
    /// system that gives no type in its listing), so the file is not looked at again with
    /// `fstat`; `nil` otherwise (the size is read when the file is opened).
    var knownSize: Int? = nil

    var isStandardInput: Bool { path == "-" }

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
    /// The size is `expectedSize` (what a folder walk saw with `lstat`, when it had to ask) or
    /// `fstat`'s, and a read that ends short having filled exactly that many bytes is the end of
    /// the file: no further `read` is made to see 0 come back. The reason: a folder scan of many
    /// small files spent a sixth of its time in the kernel (#13, dense corpus); a file is now
    /// `openat`, `fstat`, one `read` and `close`, its path walked once. A file that grew since
    /// its size was read fills the buffer (one byte larger than that size) and is read on to its
    /// end as before.
    static func readFile(_ path: String, expectedSize: Int? = nil) throws -> Data {
        // Without a limit the whole file is read: never `nil`.
        try readFile(path, expectedSize: expectedSize, unlessLargerThan: nil)!
    }

    /// The whole file at `path` as ``readFile(_:expectedSize:)`` reads it, or `nil` without
    /// reading it when its size (`expectedSize`, or `fstat`'s) is above `limit`: a folder scan
    /// learns a file's size when it opens it, and streams a large one instead
    /// (`ScanCommand.streamingThreshold`).
    static func readFile(_ path: String, expectedSize: Int?, unlessLargerThan limit: Int?) throws -> Data? {
        func failure(_ code: Int32) -> FileReadError {
            FileReadError(path: path, reason: Inputs.reason(errno: code))
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
        if let limit, size > limit { return nil }
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
            if filled == size, filled < capacity { break }
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

    /// Appends the regular files under `folder` to `inputs`, in sorted order of their names,
    /// skipping `.git` folders, links, sockets and devices.
    ///
    /// The entries' types come from the folder's listing (`readdir`'s `d_type`), and a file's
    /// size from `fstat` when it is opened (``Input/readFile(_:expectedSize:unlessLargerThan:)``): an
    /// `lstat` per entry walked each file's path once more than its `open` does — `__d_lookup_rcu`
    /// alone was 1.9 % of a scan of the agent corpus (6,448 files, perf). A file system that
    /// gives no type (`DT_UNKNOWN`) is asked with `lstat`, as before.
    private static func walk(_ folder: String, into inputs: inout [Input], errors: inout [String]) {
        guard let directory = opendir(folder) else {
            errors.append("\(folder): cannot read the folder (\(reason(errno: errno)))")
            return
        }
        var entries: [(name: String, type: UInt8)] = []
        errno = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: &entry.pointee.d_name) { raw -> String in
                let bytes = raw.bindMemory(to: CChar.self)
                return FileManager.default.string(withFileSystemRepresentation: bytes.baseAddress!, length: strnlen(bytes.baseAddress!, bytes.count))
            }
            if name != ".", name != ".." { entries.append((name, entry.pointee.d_type)) }
        }
        let listingError = errno
        closedir(directory)
        guard listingError == 0 else {
            errors.append("\(folder): cannot read the folder (\(reason(errno: listingError)))")
            return
        }
        entries.sort { $0.name < $1.name }
        for (name, type) in entries where name != ".git" {
            let path = folder.hasSuffix("/") ? folder + name : folder + "/" + name
            switch Int32(type) {
            case Int32(DT_DIR): walk(path, into: &inputs, errors: &errors)
            case Int32(DT_REG): inputs.append(Input(path: path, foundInFolder: true))
            case Int32(DT_UNKNOWN):
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR: walk(path, into: &inputs, errors: &errors)
                case S_IFREG: inputs.append(Input(path: path, foundInFolder: true, knownSize: Int(info.st_size)))
                default: continue
                }
            default: continue  // Links, sockets, devices: not followed while walking.
            }
        }
    }

    /// A short reason for the system error `code`, without the path or any content.
    static func reason(errno code: Int32) -> String {
        code == EACCES ? "permission denied" : code == ENOENT ? "no such file" : String(cString: strerror(code))
    }
}

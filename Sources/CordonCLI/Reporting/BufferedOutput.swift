#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor written in blocks: one `write(2)` per ``blockSize`` bytes of records, not one
/// per record.
///
/// The reason: a folder scan wrote each file's record and each finding's line with its own
/// system call — 3,769 `write` calls for the 3,221 files of the real-text corpus (strace, #13),
/// as many as the `open`, `read` and `close` calls that read the files. When the descriptor is a
/// terminal, whoever watches it should see each file's records as the file ends, so
/// ``endRecord()`` writes them out there (what a C library does with line buffering); into a
/// pipe or a file, records go out a block at a time and at ``flush()``.
///
/// A failed write (a full disk, a closed pipe when SIGPIPE is ignored) is not retried: the
/// buffer is dropped, later writes are ignored, and ``failure`` keeps the system's error number,
/// so the command can say the report is incomplete instead of crashing or claiming success.
final class BufferedOutput {
    /// The bytes a block holds before it is written.
    static let blockSize = 64 * 1024

    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// Whether ``endRecord()`` writes the buffer out (a terminal).
    let writesEachRecord: Bool
    /// The error number of the first write that failed, or `nil`.
    private(set) var failure: Int32?

    /// Output to `descriptor`; `writesEachRecord` defaults to whether it is a terminal.
    init(descriptor: Int32 = STDOUT_FILENO, writesEachRecord: Bool? = nil) {
        self.descriptor = descriptor
        self.writesEachRecord = writesEachRecord ?? (isatty(descriptor) == 1)
        buffer.reserveCapacity(Self.blockSize + 4096)
    }

    /// Appends `bytes`, writing the buffer out once it holds a block.
    func write<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        guard failure == nil else { return }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.blockSize { flush() }
    }

    /// Appends `text` as UTF-8.
    func write(_ text: String) {
        write(text.utf8)
    }

    /// Lets `body` append to the buffer in place (no intermediate array), then writes it out
    /// once it holds a block.
    func append(_ body: (inout [UInt8]) -> Void) {
        guard failure == nil else { return }
        body(&buffer)
        if buffer.count >= Self.blockSize { flush() }
    }

    /// Marks the end of one input's records: written out now on a terminal, else kept for the
    /// block.
    func endRecord() {
        if writesEachRecord { flush() }
    }

    /// Writes out everything buffered.
    func flush() {
        guard failure == nil, !buffer.isEmpty else {
            buffer.removeAll(keepingCapacity: true)
            return
        }
        var written = 0
        buffer.withUnsafeBytes { bytes in
            while written < bytes.count {
                let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
                if count > 0 {
                    written += count
                } else if count < 0, errno == EINTR {
                    continue
                } else {
                    failure = count < 0 ? errno : EIO
                    return
                }
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

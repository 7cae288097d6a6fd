import Cordon
import Foundation

/// Splits a file descriptor into lines with a 64 KiB read buffer, bounding every line's size.
///
/// A line longer than the limit is not kept: once it passes the limit its bytes are discarded
/// as they arrive, up to its line end, and it is reported as ``Line/oversized(prefix:)`` with
/// only its first bytes (to read a request id from). So a huge line never sits in memory.
public struct LineReader {
    /// One line read.
    public enum Line {
        /// A complete line, without its line end (`\n`, or `\r\n`).
        case complete([UInt8])
        /// A line over the limit: its first ``LineReader/prefixLength`` bytes.
        case oversized(prefix: [UInt8])
    }

    /// How many bytes of an oversized line are kept.
    public static let prefixLength = 256

    private let descriptor: Int32
    private let maximumLength: Int
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var current: [UInt8] = []
    private var discarding = false
    public private(set) var reachedEnd = false

    /// Creates a reader of `descriptor` whose lines may hold up to `maximumLength` bytes.
    public init(descriptor: Int32, maximumLength: Int, chunkSize: Int = 64 * 1024) {
        self.descriptor = descriptor
        self.maximumLength = maximumLength
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    /// The next complete line already in the buffer, without reading.
    public mutating func nextBuffered() -> Line? {
        while start < end {
            let newline: Int? = buffer.withUnsafeBufferPointer { pointer in
                guard let hit = memchr(pointer.baseAddress! + start, Int32(UInt8(ascii: "\n")), end - start) else { return nil }
                return pointer.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            let segmentEnd = newline ?? end
            append(start..<segmentEnd)
            start = newline.map { $0 + 1 } ?? end
            if newline != nil { return takeLine() }
        }
        return nil
    }

    /// Reads more bytes into the buffer (blocking); at end of input, returns the unterminated
    /// last line if there is one. Returns `nil` after end of input.
    public mutating func fill() -> Line? {
        guard !reachedEnd else { return nil }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            if count <= 0 {
                reachedEnd = true
                return current.isEmpty && !discarding ? nil : takeLine()
            }
            start = 0
            end = count
            return nil
        }
    }

    private mutating func append(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        if !discarding, current.count + range.count > maximumLength {
            // Over the limit: from here on only the prefix is kept, filled to its full length
            // from this read and later ones (so the error names the request's id).
            current = Array(current.prefix(Self.prefixLength))
            discarding = true
        }
        if discarding {
            let room = max(0, Self.prefixLength - current.count)
            current.append(contentsOf: buffer[range.lowerBound..<(range.lowerBound + min(room, range.count))])
            return
        }
        current.append(contentsOf: buffer[range])
    }

    private mutating func takeLine() -> Line {
        defer {
            current = []
            discarding = false
        }
        if discarding { return .oversized(prefix: current) }
        if current.last == UInt8(ascii: "\r") { current.removeLast() }
        return .complete(current)
    }
}

import Cordon
import CordonJSON
import Crypto
import Foundation
import Synchronization

/// An append-only, hash-chained audit file in JSON Lines, one ``AuditRecord`` per line.
///
/// Records are written in format ``AuditRecord/formatVersion`` (2): the session, the path and
/// the content only as fingerprints keyed with a key derived from the audit key
/// (``AuditFingerprinter``). A log without a key writes those members as `null` rather than
/// anything a reader could test guesses against: an unkeyed hash of a short message gives the
/// message away. A file of format-1 records (written before) is continued in format 2.
///
/// Each line is a JSON object with the record's fields in a fixed order, then `prev`, the
/// SHA-256 of the previous line's bytes (64 zeros for the first line), then — when the log has
/// a key — `hmac`, the HMAC-SHA256 under the key of the line as it would be without the `hmac`
/// member. ``AuditVerifier`` checks both, so a record edited, deleted, inserted or moved is
/// found.
///
/// Appends take an exclusive `flock(2)` on the file and pick up the chain from its last line when
/// another process wrote since, so several processes (a sidecar and per-event hooks) can share one
/// file. Each record is written with one `write(2)` before ``append(_:)`` returns.
public final class AuditLog: Sendable {
    /// The file's path.
    public let path: String
    private let key: [UInt8]?
    private let fingerprints: AuditFingerprinter?
    private let state: Mutex<WriterState>

    private struct WriterState {
        var descriptor: Int32
        var expectedSize: Int64 = -1
        var previousHash = AuditLog.genesisHash
        var nextSequence = 1
    }

    /// The `prev` of the first record.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Opens (creating, mode 0600, and its missing folders, mode 0700) the audit file at `path`
    /// for appending; `key` enables HMACs.
    ///
    /// - Throws: ``AuditError`` when the file cannot be opened, or its last record cannot be
    ///   read (a damaged file is not continued: check it with `cordon audit verify`).
    public init(path: String, key: [UInt8]? = nil) throws(AuditError) {
        self.path = path
        self.key = key
        fingerprints = key.map { AuditFingerprinter(auditKey: $0) }
        var descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        if descriptor < 0, errno == ENOENT {
            // The documented place is outside the agent's working tree (`~/.local/state/cordon/`),
            // which may not exist yet: make the missing folders, readable by the owner only.
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty {
                try? FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            }
            descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else {
            throw AuditError(file: path, message: "cannot open the audit file (\(String(cString: strerror(errno))))")
        }
        var initial = WriterState(descriptor: descriptor)
        do {
            try AuditLog.lock(descriptor, path: path)
            defer { flock(descriptor, LOCK_UN) }
            try AuditLog.catchUp(&initial, path: path)
        } catch {
            Foundation.close(descriptor)
            throw error
        }
        state = Mutex(initial)
    }

    deinit {
        _ = state.withLock { Foundation.close($0.descriptor) }
    }

    /// Appends `record`, stamped with the current UTC time, and returns its sequence number.
    ///
    /// - Throws: ``AuditError`` when the record could not be written completely.
    @discardableResult
    public func append(_ record: AuditRecord) throws(AuditError) -> Int {
        let path = self.path
        let key = self.key
        let fingerprints = self.fingerprints
        let result: Result<Int, AuditError> = state.withLock { state in
            do throws(AuditError) {
                try AuditLog.lock(state.descriptor, path: path)
                defer { flock(state.descriptor, LOCK_UN) }
                try AuditLog.catchUp(&state, path: path)
                // The record after the largest integer cannot be numbered: refuse before writing
                // (computing its successor after the write would trap, and a trap lets a hook
                // event through).
                guard state.nextSequence < Int.max else {
                    throw AuditError(
                        file: path,
                        message: "the sequence numbers are exhausted; check the file with 'cordon audit verify' and start a new one")
                }
                var members = record.members(sequence: state.nextSequence, time: AuditLog.timestamp(), fingerprints: fingerprints)
                members.append(JSONMember(name: "prev", value: .string(state.previousHash)))
                var line = JSONValue.object(members).serialized()
                if let key {
                    let mac = HMAC<SHA256>.authenticationCode(for: line, using: SymmetricKey(data: key))
                    line.removeLast()
                    line += ",\"hmac\":\"".utf8
                    line += Hex.string(mac).utf8
                    line += "\"}".utf8
                }
                let hash = AuditRecord.sha256(line)
                line.append(UInt8(ascii: "\n"))
                try AuditLog.writeAll(line, to: state.descriptor, path: path)
                let sequence = state.nextSequence
                state.previousHash = hash
                state.nextSequence += 1
                state.expectedSize += Int64(line.count)
                return .success(sequence)
            } catch {
                state.expectedSize = -1
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: - File helpers

    private static func lock(_ descriptor: Int32, path: String) throws(AuditError) {
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                throw AuditError(file: path, message: "cannot lock the audit file (\(String(cString: strerror(errno))))")
            }
        }
    }

    /// Re-reads the chain's end when the file is not the size this writer left it.
    private static func catchUp(_ state: inout WriterState, path: String) throws(AuditError) {
        var info = stat()
        guard fstat(state.descriptor, &info) == 0 else {
            throw AuditError(file: path, message: "cannot stat the audit file")
        }
        let size = Int64(info.st_size)
        guard size != state.expectedSize else { return }
        guard size > 0 else {
            state.previousHash = genesisHash
            state.nextSequence = 1
            state.expectedSize = 0
            return
        }
        let last = try lastLine(path: path, size: size)
        guard last.terminated, let record = try? JSONValue(parsing: last.bytes),
            case .number(let text)? = record["seq"], let sequence = Int(text)
        else {
            throw AuditError(file: path, message: "the last record is damaged; check the file with 'cordon audit verify' and start a new one")
        }
        // A sequence number this writer could not continue (a hostile or foreign file: 0,
        // negative, or the largest integer, whose successor would trap) is a damaged file too.
        guard sequence >= 1, sequence < Int.max else {
            throw AuditError(
                file: path,
                message: "the last record's sequence number is out of range; check the file with 'cordon audit verify' and start a new one")
        }
        state.previousHash = AuditRecord.sha256(last.bytes)
        state.nextSequence = sequence + 1
        state.expectedSize = size
    }

    /// The longest last line a writer reads back to continue the chain. Cordon's records are a
    /// few hundred bytes; a longer last line is not a record of an audit file written by Cordon.
    static let maximumRecordLength: Int64 = 1 << 20

    /// The last line of the file (without its newline), and whether it ended with one.
    ///
    /// The file is read backwards in chunks until a line end is found, each byte once, and at
    /// most ``maximumRecordLength`` bytes: every append pays this when another process wrote
    /// since, so it must not grow with the file or the line.
    private static func lastLine(path: String, size: Int64) throws(AuditError) -> (bytes: [UInt8], terminated: Bool) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw AuditError(file: path, message: "cannot read the audit file") }
        defer { Foundation.close(descriptor) }
        func read(_ range: Range<Int64>) throws(AuditError) -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: Int(range.count))
            var filled = 0
            while filled < buffer.count {
                let count = buffer.withUnsafeMutableBytes {
                    pread(descriptor, $0.baseAddress! + filled, $0.count - filled, off_t(range.lowerBound) + off_t(filled))
                }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { throw AuditError(file: path, message: "cannot read the audit file") }
                filled += count
            }
            return buffer
        }
        let terminated = try read((size - 1)..<size) == [UInt8(ascii: "\n")]
        let end = terminated ? size - 1 : size
        // Find the line's start: the byte after the last line end before `end`.
        var start: Int64 = 0
        var position = end
        let chunk: Int64 = 4096
        searching: while position > 0 {
            let from = max(0, position - chunk)
            let bytes = try read(from..<position)
            if let newline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                start = from + Int64(newline) + 1
                break searching
            }
            position = from
            guard end - position <= maximumRecordLength else {
                throw AuditError(
                    file: path,
                    message: "the last record is longer than \(maximumRecordLength) bytes: not an audit file written by cordon; check it with 'cordon audit verify' and start a new one")
            }
        }
        guard end - start <= maximumRecordLength else {
            throw AuditError(
                file: path,
                message: "the last record is longer than \(maximumRecordLength) bytes: not an audit file written by cordon; check it with 'cordon audit verify' and start a new one")
        }
        return (try read(start..<end), terminated)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(AuditError) {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + written, bytes.count - written) }
            if result < 0 {
                if errno == EINTR { continue }
                throw AuditError(file: path, message: "cannot write the audit record (\(String(cString: strerror(errno))))")
            }
            written += result
        }
    }

    /// The current UTC time in RFC 3339 with milliseconds: `2026-11-21T05:30:00.123Z`.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
    }
}

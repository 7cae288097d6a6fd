import FuzzDriver

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A libFuzzer test function, `LLVMFuzzerTestOneInput`.
public typealias FuzzCallback = @convention(c) (UnsafePointer<UInt8>, Int) -> CInt

/// Runs libFuzzer with the process arguments and `callback`, and exits with its status.
public func runFuzzer(_ callback: FuzzCallback) -> Never {
    atexit { Fuzz.printCounters() }
    exit(cordon_fuzz_run(CommandLine.argc, CommandLine.unsafeArgv, callback))
}

/// Invariant checks shared by the fuzz targets.
///
/// A violated invariant prints `cordon-fuzz: invariant '<name>' violated: <details>` and aborts,
/// so libFuzzer saves the input as a crash. An invariant named in the environment variable
/// `CORDON_FUZZ_RELAX` (comma-separated names, or `all`) is only counted: the first violations
/// print their details and, when `CORDON_FUZZ_SAVE` names a folder, their inputs are saved there
/// as `<invariant>-<n>`; the counts are printed when the fuzzer exits. So fuzzing can go on past a
/// known violation and still report how often it happens.
///
/// Fuzz targets run one input at a time on one thread, so the counters need no lock.
public enum Fuzz {
    nonisolated(unsafe) private static var counters: [String: Int] = [:]
    nonisolated(unsafe) private static var order: [String] = []
    /// How many violations of a relaxed invariant print their details and are saved.
    private static let reportedPerInvariant = 3

    private static let relaxed: Set<String> = {
        guard let value = getenv("CORDON_FUZZ_RELAX") else { return [] }
        return Set(String(cString: value).split(separator: ",").map { String($0) })
    }()

    private static let saveFolder: String? = getenv("CORDON_FUZZ_SAVE").map { String(cString: $0) }

    /// Whether violations of `invariant` are only counted.
    public static func isRelaxed(_ invariant: String) -> Bool {
        relaxed.contains(invariant) || relaxed.contains("all")
    }

    /// Checks `condition`; see ``Fuzz``.
    public static func check(
        _ condition: Bool, _ invariant: String, input: UnsafeBufferPointer<UInt8>,
        _ details: @autoclosure () -> String
    ) {
        if condition { return }
        violated(invariant, input: input, details())
    }

    /// Records a violation of `invariant`; aborts unless it is relaxed.
    public static func violated(_ invariant: String, input: UnsafeBufferPointer<UInt8>, _ details: String) {
        let count = count("violated:" + invariant)
        guard isRelaxed(invariant) else {
            log("invariant '\(invariant)' violated: \(details)")
            abort()
        }
        guard count <= reportedPerInvariant else { return }
        log("relaxed invariant '\(invariant)' violated (#\(count)): \(details)")
        save(input, as: "\(invariant)-\(count)")
    }

    /// Counts an observation that is not a failure (printed at exit); returns the new count.
    @discardableResult
    public static func count(_ name: String) -> Int {
        if counters[name] == nil { order.append(name) }
        counters[name, default: 0] += 1
        return counters[name]!
    }

    /// Counts an observation and, for its first occurrences, prints `details` and saves the input.
    public static func observe(_ name: String, input: UnsafeBufferPointer<UInt8>, _ details: @autoclosure () -> String) {
        let count = count(name)
        guard count <= reportedPerInvariant else { return }
        log("observed '\(name)' (#\(count)): \(details())")
        save(input, as: "\(name)-\(count)")
    }

    /// Writes `message` to standard error with the `cordon-fuzz:` prefix.
    public static func log(_ message: String) {
        let line = Array("cordon-fuzz: \(message)\n".utf8)
        _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
    }

    static func printCounters() {
        for name in order { log("count \(name) = \(counters[name]!)") }
    }

    private static func save(_ input: UnsafeBufferPointer<UInt8>, as name: String) {
        guard let saveFolder, let file = fopen(saveFolder + "/" + name, "wb") else { return }
        if let base = input.baseAddress { fwrite(base, 1, input.count, file) }
        fclose(file)
    }

    /// A short printable rendering of `bytes` for messages: ASCII as is, other bytes as `\xNN`.
    public static func show<C: Collection>(_ bytes: C, limit: Int = 120) -> String where C.Element == UInt8 {
        var text = ""
        for byte in bytes.prefix(limit) {
            if byte >= 0x20 && byte < 0x7F && byte != UInt8(ascii: "\\") {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += "\\x" + String(byte, radix: 16).leftPadded(to: 2)
            }
        }
        if bytes.count > limit { text += "…(\(bytes.count) bytes)" }
        return "\"" + text + "\""
    }

    /// Whether `haystack` contains `needle` standing alone as a token: the bytes around the
    /// occurrence are not token bytes (letters, digits and `._-@+/=:%~`) where the needle's own
    /// edge is one. So `a@b.te` is not taken for a part of `a@b.tel` or `a@b.te.corp`; a value
    /// quoted as a JSON string, or between spaces, is.
    public static func containsStandalone<H: Collection, N: Collection>(_ haystack: H, _ needle: N) -> Bool
    where H.Element == UInt8, N.Element == UInt8 {
        let haystack = Array(haystack)
        let needle = Array(needle)
        guard !needle.isEmpty, needle.count <= haystack.count else { return false }
        let punctuation = Array("._-@+/=:%~".utf8)
        func isTokenByte(_ byte: UInt8) -> Bool {
            (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z")
                || byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") || punctuation.contains(byte)
        }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            let end = start + needle.count
            if start > 0, isTokenByte(needle[0]), isTokenByte(haystack[start - 1]) { continue }
            if end < haystack.count, isTokenByte(needle[needle.count - 1]), isTokenByte(haystack[end]) { continue }
            return true
        }
        return false
    }

    /// Whether `haystack` contains `needle` (byte strings).
    public static func contains<H: Collection, N: Collection>(_ haystack: H, _ needle: N) -> Bool
    where H.Element == UInt8, N.Element == UInt8 {
        let haystack = Array(haystack)
        let needle = Array(needle)
        guard !needle.isEmpty else { return true }
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count)
        where haystack[start] == needle[0] && haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

import Foundation

/// Writes diagnostics to standard error. Nothing written here may quote scanned input.
enum Diagnostics {
    static func write(_ line: String) {
        FileHandle.standardError.write(Data((line.hasSuffix("\n") ? line : line + "\n").utf8))
    }
}

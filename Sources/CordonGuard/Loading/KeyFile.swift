import Foundation

/// Reads a key kept in a file: the file's bytes, as they are.
///
/// The audit trail's HMAC key and the `hash` operator's key are both given as files (a key on a
/// command line would show in the process list). An unreadable or empty file is an error: an
/// empty key would sign nothing worth checking.
public enum KeyFile {
    /// The bytes of the key file at `path`; `purpose` names the key in the error ("audit key").
    public static func read(_ path: String, purpose: String) throws(GuardError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else {
            throw GuardError("\(path): cannot read the \(purpose), or it is empty")
        }
        return Array(data)
    }
}

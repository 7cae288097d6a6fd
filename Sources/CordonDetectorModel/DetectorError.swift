/// An error in a detector definition: bad YAML, an unknown field, a pattern PCRE2 rejects, an
/// unknown validator, a duplicate id.
///
/// The description names the file, the line when known, the detector id when known, and what is
/// wrong. It never quotes example texts or other values from the file.
public struct DetectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (or other source) the definition came from.
    public var file: String
    /// The 1-based line in the file, when known.
    public var line: Int?
    /// The id of the detector, when known.
    public var detectorID: String?
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, detectorID: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.detectorID = detectorID
        self.message = message
    }

    /// `file:line: detector 'id': message`, leaving out what is not known.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let detectorID { text += "detector '\(detectorID)': " }
        return text + message
    }
}

import Cordon

/// The result of checking an audit file with ``AuditVerifier``.
public struct AuditVerification: Sendable, Hashable {
    /// The first record found broken: its 1-based line and what is wrong.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The 1-based line of the record.
        public var line: Int
        /// What is wrong with it.
        public var message: String

        /// Creates a problem.
        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }

        /// `line N: message`.
        public var description: String { "line \(line): \(message)" }
    }

    /// The number of records checked and found intact (those before the problem, if any).
    public var intactRecords: Int
    /// The first broken record, or `nil` when the file is intact.
    public var problem: Problem?
    /// Whether HMACs were checked (a key was given).
    public var checkedHMACs: Bool
    /// The SHA-256 of the last intact record's line: anchor it elsewhere to detect truncation.
    public var lastHash: String

    /// How many of the records checked are of format 1 (written before keyed fingerprints): their
    /// `session` and `path` are verbatim and their content hashes unkeyed, so they may give
    /// values away to anyone who reads the file.
    public var formatOneRecords: Int

    /// Creates a result.
    public init(intactRecords: Int, problem: Problem?, checkedHMACs: Bool, lastHash: String, formatOneRecords: Int = 0) {
        self.intactRecords = intactRecords
        self.problem = problem
        self.checkedHMACs = checkedHMACs
        self.lastHash = lastHash
        self.formatOneRecords = formatOneRecords
    }

    /// Whether every record is intact.
    public var isIntact: Bool { problem == nil }
}

import Foundation

/// An ordered set of detectors with unique ids: the built-in set, or one loaded from files.
///
/// Loading checks every file strictly (see `detectors/README.md`); a ``Engine`` then compiles
/// the set once. Use ``builtIn()`` for the detectors embedded in Cordon, or
/// ``load(from:)`` for detector files and folders of your own.
public struct DetectorSet: Sendable {
    /// The detectors, in file-name order and then in the order each file lists them.
    public let detectors: [Detector]
    /// Whether every pattern is one of the built-in detectors' (``builtIn()`` and subsets of it),
    /// all of which the test suite compiles, so that an ``Engine`` may compile them on first use.
    private(set) var hasBuiltInPatterns = false
    /// For each detector, its position in the built-in table when the set was made from it
    /// (``builtIn()`` and its subsets): where its record in the embedded ``PatternAnalysis`` is.
    var builtInPositions: [Int]?

    /// Creates a set from detectors whose ids must be unique.
    ///
    /// - Throws: ``DetectorError`` for the first duplicate id, naming both definitions.
    public init(_ detectors: [Detector]) throws(DetectorError) {
        // Positions, not copies: copying each detector into a dictionary retained every field
        // of hundreds of detectors at every start-up.
        var first: [String: Int] = [:]
        first.reserveCapacity(detectors.count)
        for (index, detector) in detectors.enumerated() {
            if let earlier = first.updateValue(index, forKey: detector.id) {
                throw DetectorError(
                    file: detector.source, detectorID: detector.id,
                    message: "duplicate id (already defined in \(detectors[earlier].source))")
            }
        }
        self.detectors = detectors
    }

    /// The detectors built into Cordon (the `detectors/` folder of its repository, parsed and
    /// embedded at build time, so that no YAML is parsed at run time).
    ///
    /// - Throws: ``DetectorError`` if the embedded table cannot be decoded (a build defect;
    ///   callers fail closed) or holds a duplicate id.
    public static func builtIn() throws(DetectorError) -> DetectorSet {
        // The build checked that the ids are unique (`CordonEmbed`): no dictionary of 500 ids
        // at every start-up.
        let detectors = try embedded.get()
        var set = DetectorSet(uniqueDetectors: detectors)
        set.hasBuiltInPatterns = true
        set.builtInPositions = Array(detectors.indices)
        return set
    }

    /// A set of `detectors` whose ids are known to be unique.
    private init(uniqueDetectors detectors: [Detector]) {
        self.detectors = detectors
    }

    /// The embedded analysis of the built-in detectors, decoded once per process; `nil` if it
    /// cannot be (then each engine reads the patterns itself).
    static let embeddedAnalysis: [PatternAnalysis.Record]? = EmbeddedPatternAnalysis.records.withUnsafeBufferPointer {
        PatternAnalysis.decode($0)
    }

    /// For each detector, the embedded analysis record of its position in the built-in table,
    /// if the set was made from it; whether the record belongs to the detector is for the
    /// caller to check (its digest).
    var embeddedRecords: [PatternAnalysis.Record?]? {
        guard let builtInPositions, let records = Self.embeddedAnalysis else { return nil }
        return builtInPositions.map { $0 < records.count ? records[$0] : nil }
    }

    /// The embedded table, decoded once per process.
    /// The literal's bytes live as long as the process, so the name, description, examples and
    /// references stay encoded until read (`DetectorTable.decode(immortal:)`).
    private static let embedded: Result<[Detector], DetectorError> = EmbeddedDetectorTable.text.withUTF8Buffer { table in
        Result { () throws(DetectorTable.DecodingError) in
            EmbeddedDetectorTable.text.hasPointerRepresentation
                ? try DetectorTable.decode(immortal: table) : try DetectorTable.decode(table)
        }
            .mapError { DetectorError(file: "<built-in detector table>", message: "the table is corrupt at byte \($0.offset)") }
    }

    /// Loads detector files, and every `*.yaml`/`*.yml` file under folders, in sorted path order.
    ///
    /// - Throws: ``DetectorError`` for a path that does not exist or cannot be read, a folder
    ///   with no detector files, or the first error in any file.
    public static func load(from paths: [String]) throws(DetectorError) -> DetectorSet {
        var detectors: [Detector] = []
        for path in paths {
            for file in try detectorFiles(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw DetectorError(file: file, message: "cannot read the file")
                }
                guard let yaml = String(data: data, encoding: .utf8) else {
                    throw DetectorError(file: file, message: "the file is not valid UTF-8")
                }
                detectors += try parse(yaml: yaml, file: file)
            }
        }
        return try DetectorSet(detectors)
    }

    /// Parses the YAML text of one detector file; `file` names it in errors.
    public static func parse(yaml: String, file: String) throws(DetectorError) -> [Detector] {
        do {
            return try DetectorFileParser(file: file).parse(yaml)
        } catch let error as DetectorError {
            throw error
        } catch {
            throw DetectorError(file: file, message: "cannot parse the file")
        }
    }

    /// The detector files at `path`: the path itself, or the YAML files below a folder.
    private static func detectorFiles(at path: String) throws(DetectorError) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DetectorError(file: path, message: "no such file or folder")
        }
        guard isDirectory.boolValue else { return [path] }
        guard let enumerator = FileManager.default.enumerator(atPath: path) else {
            throw DetectorError(file: path, message: "cannot read the folder")
        }
        let files = enumerator.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
            .map { (path as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else { throw DetectorError(file: path, message: "the folder holds no *.yaml detector files") }
        return files
    }

    /// Returns the set of detectors for which `isIncluded` returns `true`, in set order.
    public func filtered(_ isIncluded: (Detector) -> Bool) -> DetectorSet {
        // Filtering keeps ids unique, so this cannot fail.
        let kept = detectors.indices.filter { isIncluded(detectors[$0]) }
        var subset = DetectorSet(uniqueDetectors: kept.map { detectors[$0] })
        subset.hasBuiltInPatterns = hasBuiltInPatterns
        subset.builtInPositions = builtInPositions.map { positions in kept.map { positions[$0] } }
        return subset
    }
}

import Cordon

/// A time-limited permission to send findings that the policy would otherwise redact or block.
///
/// An exception selects findings by detector id, category, path glob and destination (each
/// optional, at least one of detector, category and path given); the findings it selects are
/// dropped before the decision. An exception with a path but no detector or category also lifts
/// the path rules for the files it matches. Every exception names why it exists, who owns it,
/// and the last day it applies: from the day after ``expires`` (UTC) it no longer applies, and
/// `cordon serve`, `cordon hook` and `cordon policy check` report it.
public struct PolicyException: Sendable, Hashable {
    /// The detector whose findings are allowed, or `nil` for any.
    public var detectorID: String?
    /// The category whose findings are allowed, or `nil` for any.
    public var category: Category?
    /// The files the exception covers, or `nil` for any message.
    public var path: GlobPattern?
    /// The destination the exception applies to, or `nil` for all.
    public var destination: String?
    /// Why the exception exists.
    public var reason: String
    /// Who is responsible for it.
    public var owner: String
    /// The last day (UTC) on which it applies.
    public var expires: CalendarDay
    /// The 1-based line of the exception in its policy file, for messages.
    public var line: Int?

    /// Creates an exception.
    public init(
        detectorID: String? = nil, category: Category? = nil, path: GlobPattern? = nil, destination: String? = nil,
        reason: String, owner: String, expires: CalendarDay, line: Int? = nil
    ) {
        self.detectorID = detectorID
        self.category = category
        self.path = path
        self.destination = destination
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.line = line
    }

    /// Whether the exception has expired on `day`.
    public func isExpired(on day: CalendarDay) -> Bool { day > expires }

    /// Whether the exception allows `finding` in a message with `path` sent to `destination` on
    /// `day`.
    public func allows(_ finding: Finding, path: String?, destination: String, on day: CalendarDay) -> Bool {
        guard !isExpired(on: day), matches(path: path, destination: destination) else { return false }
        if let detectorID, detectorID != finding.detectorID { return false }
        if let category, category != finding.category { return false }
        return true
    }

    /// Whether the exception lifts the path rules for `path` sent to `destination` on `day`.
    public func liftsPathRules(path: String, destination: String, on day: CalendarDay) -> Bool {
        detectorID == nil && category == nil && self.path != nil && !isExpired(on: day)
            && matches(path: path, destination: destination)
    }

    private func matches(path: String?, destination: String) -> Bool {
        if let wanted = self.destination, wanted != destination { return false }
        if let glob = self.path {
            guard let path, glob.matches(path) else { return false }
        }
        return true
    }

    /// A one-line description naming what the exception covers, without its reason.
    public var scope: String {
        var parts: [String] = []
        if let detectorID { parts.append("detector \(detectorID)") }
        if let category { parts.append("category \(category)") }
        if let path { parts.append("path \(path)") }
        parts.append(destination.map { "destination \($0)" } ?? "all destinations")
        return parts.joined(separator: ", ")
    }
}

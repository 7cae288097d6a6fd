import Cordon

extension Policy {
    /// A summary for people of what the policy decides: its source and version, the action per
    /// destination and level, the detectors with overrides, the path rules and whether each
    /// exception is active — what `cordon policy check` prints.
    public func summary(detectors: [Detector], today: CalendarDay = .today()) -> String {
        let policy = self
        var lines: [String] = []
        lines.append("policy: \(policy.source)")
        lines.append("version: \(policy.version)")
        lines.append("default destination: \(policy.defaultDestination)")
        lines.append("on an incomplete scan: " + (policy.failureMode == .closed ? "block (fail closed)" : "decide on what was found (fail open)"))
        lines.append("")
        let levels = Level.allCases
        let width = max(12, (policy.destinations.map(\.name.count).max() ?? 0) + 2)
        func pad(_ text: String, _ count: Int) -> String { text + String(repeating: " ", count: max(1, count - text.count)) }
        lines.append(pad("destination", width) + pad("max level", 14) + levels.map { pad($0.name, 14) }.joined())
        for destination in policy.destinations {
            let cells = levels.map { pad(policy.action(for: $0, destination: destination).rawValue, 14) }
            lines.append(pad(destination.name, width) + pad(destination.maximumLevel.name, 14) + cells.joined())
        }
        let overridden = detectors.filter { policy.override(detectorID: $0.id, category: $0.category) != nil }
        if !overridden.isEmpty {
            lines.append("")
            lines.append("detectors with overrides (level, then the action per destination):")
            for detector in overridden {
                let override = policy.override(detectorID: detector.id, category: detector.category)
                let level = override?.level ?? detector.level
                let actions = policy.destinations.map { "\($0.name) \(policy.action(for: detector.level, override: override, destination: $0))" }
                lines.append("  \(detector.id) (\(detector.category)): \(detector.level == level ? level.name : "\(detector.level) → \(level)"); " + actions.joined(separator: ", "))
            }
        }
        if !policy.pathRules.isEmpty {
            lines.append("")
            lines.append("path rules (a file above a destination's level is blocked):")
            for rule in policy.pathRules {
                let blocked = policy.destinations.filter { rule.level > $0.maximumLevel }.map(\.name)
                lines.append("  \(rule.glob) → \(rule.level); blocked for: \(blocked.isEmpty ? "none" : blocked.joined(separator: ", "))")
            }
        }
        let restore = policy.restore
        lines.append("")
        lines.append(
            "restore (reversible placeholders put back): text up to \(restore.text); tool arguments up to \(restore.toolArguments); inside URLs up to \(restore.urls)")
        let never = restore.neverDetectors.sorted() + restore.neverCategories.map(\.rawValue).sorted()
        if !never.isEmpty { lines.append("  never restored: \(never.joined(separator: ", "))") }
        for tool in restore.tools { lines.append("  tool \(tool.tool): arguments up to \(tool.maximumLevel)") }
        if !policy.exceptions.isEmpty {
            lines.append("")
            lines.append("exceptions:")
            for exception in policy.exceptions {
                let state = exception.isExpired(on: today) ? "EXPIRED on \(exception.expires), no longer applies" : "active until \(exception.expires)"
                lines.append("  line \(exception.line.map(String.init) ?? "?"): \(exception.scope); owner \(exception.owner); \(state)")
            }
        }
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }.joined(separator: "\n") + "\n"
    }
}

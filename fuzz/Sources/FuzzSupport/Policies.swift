import Cordon
import CordonGuard
import CordonJSON

/// Policies the enforcing targets choose from: the built-in one, and a stricter one with block
/// actions, overrides and a path rule (no exceptions, so every finding above a limit counts).
public enum FuzzPolicies {
    public static let strictYAML = """
        default_destination: public-api
        failure_mode: closed
        destinations:
          public-api:
            max_level: internal
            action: redact
          vendor:
            max_level: public
            action: block
          local:
            max_level: restricted
        detectors:
          email:
            level: restricted
        categories:
          financial:
            action: block
        paths:
          - glob: '**/*.pem'
            level: restricted

        """

    public static let all: [Policy] = [Policy.builtIn(), try! Policy.parse(yaml: strictYAML, file: "<fuzz-strict>")]
}

/// The built-in engine, compiled once.
public enum SharedEngine {
    public static let engine: Engine = {
        do {
            return try Engine(DetectorSet.builtIn())
        } catch {
            Fuzz.log("cannot compile the built-in detectors: \(error)")
            fatalError()
        }
    }()
}

extension JSONValue {
    /// Every string (and number text) in the value, member names included.
    public var allStrings: [[UInt8]] {
        switch self {
        case .null, .bool: []
        case .number(let text): [Array(text.utf8)]
        case .string(let bytes): [bytes]
        case .array(let items): items.flatMap(\.allStrings)
        case .object(let members): members.flatMap { [Array($0.name.utf8)] + $0.value.allStrings }
        }
    }
}

/// The values `engine` finds in `strings` whose level (after `policy`'s overrides) is above
/// `limit`: what an enforcer with that limit must not let out. Only distinctive values (see
/// ``isDistinctive(_:)``) of valid UTF-8 are kept, so that a match in fixed text is unlikely.
public func valuesAbove(_ limit: Level, in strings: [[UInt8]], engine: Engine, policy: Policy) -> [[UInt8]] {
    var values: [[UInt8]] = []
    for string in strings {
        for finding in engine.scan(string).findings {
            let level = policy.override(detectorID: finding.detectorID, category: finding.category)?.level ?? finding.level
            guard level > limit else { continue }
            let value = Array(string[finding.range])
            guard let text = String(validating: value, as: UTF8.self), isDistinctive(text),
                !text.contains("\""), !text.contains("\\"), !text.unicodeScalars.contains(where: { $0.value < 0x20 })
            else { continue }
            values.append(value)
        }
    }
    return values
}

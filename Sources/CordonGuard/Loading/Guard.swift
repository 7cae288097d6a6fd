import Cordon

/// The request pipeline every front end runs: the compiled engine, the policy, the enforcer
/// with its placeholder sessions, and the audit trail.
///
/// Built once at start-up from a ``GuardConfiguration`` and shared between threads. `cordon
/// serve`, `cordon hook` and any embedding program set themselves up through it, so that they
/// load, validate and report the same way: detectors first (a bad file names file, line and
/// detector), then the policy, validated against those detectors (unknown detector ids are
/// errors), then the audit key and file.
public struct Guard: Sendable {
    /// The enforcer: engine, policy and placeholder store.
    public let enforcer: PolicyEnforcer
    /// The audit trail, when one was configured.
    public let audit: AuditLog?

    /// The compiled detectors.
    public var engine: Engine { enforcer.engine }
    /// The policy.
    public var policy: Policy { enforcer.policy }

    /// Loads and compiles the detectors, loads and validates the policy, and opens the audit
    /// file, as `configuration` says.
    public init(_ configuration: GuardConfiguration) throws(GuardError) {
        let engine = try Self.engine(detectorPaths: configuration.detectorPaths)
        let policy = try Self.policy(at: configuration.policyPath, for: engine)
        enforcer = PolicyEnforcer(
            engine: engine, policy: policy, placeholders: PlaceholderStore(limits: configuration.placeholderLimits))
        audit = try Self.auditLog(at: configuration.auditPath, keyPath: configuration.auditKeyPath)
    }

    /// The exceptions of the policy that have expired and no longer apply, for a start-up
    /// warning.
    public func expiredExceptions(on day: CalendarDay = .today()) -> [PolicyException] {
        policy.expiredExceptions(on: day)
    }

    /// Compiles the detectors in `detectorPaths` (files or folders), or the built-in set when
    /// there are none.
    public static func engine(detectorPaths: [String]) throws(GuardError) -> Engine {
        do {
            let set = detectorPaths.isEmpty ? try DetectorSet.builtIn() : try DetectorSet.load(from: detectorPaths)
            return try Engine(set)
        } catch {
            throw GuardError(error.description)
        }
    }

    /// The policy at `path` (the built-in policy for `nil`), validated against `engine`'s
    /// detectors.
    public static func policy(at path: String?, for engine: Engine) throws(GuardError) -> Policy {
        do {
            let policy = try path.map { (path) throws(PolicyError) in try Policy.load(from: path) } ?? Policy.builtIn()
            try policy.validate(against: engine.detectors)
            return policy
        } catch {
            throw GuardError(error.description)
        }
    }

    /// The audit log at `path`, signed with the key in the file at `keyPath`; `nil` without a
    /// path.
    public static func auditLog(at path: String?, keyPath: String?) throws(GuardError) -> AuditLog? {
        guard let path else {
            if keyPath != nil { throw GuardError("an audit key file needs an audit file") }
            return nil
        }
        let key = try keyPath.map { (keyPath) throws(GuardError) in try KeyFile.read(keyPath, purpose: "audit key") }
        do {
            return try AuditLog(path: path, key: key)
        } catch {
            throw GuardError(error.description)
        }
    }
}

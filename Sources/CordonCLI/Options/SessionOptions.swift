import ArgumentParser
import CordonGuard

/// The options that bound the reversible-placeholder sessions of a long-running command
/// (`serve`, `gateway`).
///
/// One group, so that both commands name, check and describe these bounds the same way. Only the
/// default number of sessions differs — a sidecar serves one agent's processes, a gateway every
/// client in front of it — so the command gives it to ``limits(defaultSessions:)``.
struct SessionOptions: ParsableArguments {
    // Optional, so that each command can supply its own default.
    @Option(
        name: .customLong("max-sessions"),
        help: "The most sessions whose reversible placeholders are kept (default: 256 for serve, 10000 for gateway).")
    var maximumSessions: Int?

    @Option(name: .customLong("max-session-entries"), help: "The most values one session's placeholders remember.")
    var maximumSessionEntries: Int = PlaceholderLimits().entriesPerSession

    @Option(name: .customLong("session-idle-timeout"), help: "Seconds after which an unused session's placeholders are forgotten.")
    var sessionIdleTimeout: Int = Int(PlaceholderLimits().idleTimeout.components.seconds)

    func validate() throws {
        guard (maximumSessions ?? 1) >= 1, maximumSessionEntries >= 1, sessionIdleTimeout >= 1 else {
            throw ValidationError("--max-sessions, --max-session-entries and --session-idle-timeout must be at least 1")
        }
    }

    /// The session bounds these options give, with `defaultSessions` when `--max-sessions` is
    /// absent.
    func limits(defaultSessions: Int) -> PlaceholderLimits {
        PlaceholderLimits(
            entriesPerSession: maximumSessionEntries, sessions: maximumSessions ?? defaultSessions,
            idleTimeout: .seconds(sessionIdleTimeout))
    }
}

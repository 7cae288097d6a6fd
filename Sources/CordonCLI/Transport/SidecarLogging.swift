import Logging

/// Bootstraps swift-log once per process, writing to standard error.
enum SidecarLogging {
    private static let once: Void = {
        LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
    }()

    /// Installs the standard-error handler (only the first call does anything).
    static func bootstrap() { _ = once }
}

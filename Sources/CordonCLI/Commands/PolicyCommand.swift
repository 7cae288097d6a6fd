import ArgumentParser
import Cordon
import CordonGuard
import CordonJSON
import Foundation

/// `cordon policy`: check policy files.
struct PolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check policy files.",
        subcommands: [Check.self]
    )

    /// `cordon policy check`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a policy and print what it decides per destination and level.",
            discussion: """
                Checks the built-in policy when no file is given. Detector ids named in the policy \
                must exist in the detector set (the built-in one, or --detectors). Exit 0 when the \
                policy is valid (expired exceptions are listed but do not fail the check), 2 naming \
                file and line when it is not.
                """
        )

        @Argument(help: ArgumentHelp("The policy file (default: the built-in policy).", valueName: "file"))
        var path: String?

        @OptionGroup var detectorOptions: DetectorOptions

        func run() throws {
            let engine = try detectorOptions.makeEngine()
            let policy = try Guard.policy(at: path, for: engine)
            FileHandle.standardOutput.write(Data(policy.summary(detectors: engine.detectors).utf8))
        }
    }
}

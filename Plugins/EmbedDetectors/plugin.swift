import Foundation
import PackagePlugin

/// Embeds the detectors of the repository's `detectors/` folder into the target as Swift source.
///
/// The `CordonEmbed` tool parses the YAML files (in file-name order, with the parser used for
/// detector files at run time; a bad file fails the build) and generates
/// `EmbeddedDetectorTable.text`, the detectors in `DetectorTable`'s encoding, which
/// `DetectorSet.builtIn()` decodes. The `cordon` binary needs no detector files at run time, and
/// does not parse YAML to start.
@main
struct EmbedDetectors: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "detectors")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDetectorTable.swift")
        return [
            .buildCommand(
                displayName: "Embedding the detectors of \(inputs.count) files",
                executable: try context.tool(named: "CordonEmbed").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}

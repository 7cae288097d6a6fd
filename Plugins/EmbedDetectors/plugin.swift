import Foundation
import PackagePlugin

/// Embeds the YAML files of the repository's `detectors/` folder into the target as Swift source.
///
/// The generated file defines `EmbeddedDetectorFiles.all`, an array of `(name, contents)` pairs
/// in file-name order, which `DetectorSet.builtIn()` parses. Embedding the files keeps the
/// `cordon` binary self-contained: it needs no detector files at run time.
@main
struct EmbedDetectors: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "detectors")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
        let inputs = names.map { folder.appending(path: $0) }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedDetectorFiles.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(inputs.count) detector files",
                executable: try context.tool(named: "CordonEmbed").url,
                arguments: [output.path] + inputs.map(\.path),
                inputFiles: inputs,
                outputFiles: [output]
            )
        ]
    }
}

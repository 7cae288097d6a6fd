// swift-tools-version:6.1

// libFuzzer targets for Cordon. A separate package, so that `swift build` and `swift test` of the
// main package never compile them. Build and run with ./run.sh (see README.md); the build needs
// `-Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld`, and every product links only under
// those flags (libFuzzer provides `LLVMFuzzerRunDriver`).

import PackageDescription

let cordon: Target.Dependency = .product(name: "Cordon", package: "cordon")
let cordonGuard: Target.Dependency = .product(name: "CordonGuard", package: "cordon")
let cordonJSON: Target.Dependency = .product(name: "CordonJSON", package: "cordon")

/// One libFuzzer executable: `main.swift` hands its `LLVMFuzzerTestOneInput` to the driver.
func fuzzTarget(_ name: String, _ extra: [Target.Dependency] = []) -> Target {
    .executableTarget(name: name, dependencies: [cordon, cordonGuard, cordonJSON, "FuzzSupport"] + extra)
}

let package = Package(
    name: "cordon-fuzz",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "fuzz-scan", targets: ["fuzz-scan"]),
        .executable(name: "fuzz-detectors", targets: ["fuzz-detectors"]),
        .executable(name: "fuzz-policy", targets: ["fuzz-policy"]),
        .executable(name: "fuzz-json", targets: ["fuzz-json"]),
        .executable(name: "fuzz-serve", targets: ["fuzz-serve"]),
        .executable(name: "fuzz-hook", targets: ["fuzz-hook"]),
        .executable(name: "fuzz-audit", targets: ["fuzz-audit"]),
        .executable(name: "fuzz-paths", targets: ["fuzz-paths"]),
    ],
    dependencies: [
        // Named, so that products resolve whatever the checkout folder is called.
        .package(name: "cordon", path: ".."),
        // The version the main package resolves; the loader targets use it to read their input's
        // YAML independently of Cordon's parsers.
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(name: "FuzzDriver"),
        .target(
            name: "FuzzSupport",
            dependencies: ["FuzzDriver", cordon, cordonGuard, cordonJSON, .product(name: "Yams", package: "Yams")]),
        fuzzTarget("fuzz-scan"),
        fuzzTarget("fuzz-detectors"),
        fuzzTarget("fuzz-policy"),
        fuzzTarget("fuzz-json"),
        // The sidecar's request processor and line reader come from CordonGuard, as `cordon
        // serve` uses them.
        fuzzTarget("fuzz-serve"),
        fuzzTarget("fuzz-hook"),
        // Audit files (the verifier and the writer's last-line reader) and path normalisation.
        fuzzTarget("fuzz-audit"),
        fuzzTarget("fuzz-paths"),
    ]
)

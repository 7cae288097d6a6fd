// swift-tools-version:6.1
// In-process latency of the Cordon library (bench/run.sh builds and runs it). A nested package,
// so that `swift build` / `swift test` of the main package never compile anything of it.

import PackageDescription

let package = Package(
    name: "cordon-latency",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cordon", path: "../.."),
    ],
    targets: [
        .executableTarget(
            name: "CordonLatency",
            dependencies: [.product(name: "Cordon", package: "cordon")]
        ),
    ]
)

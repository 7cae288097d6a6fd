// swift-tools-version:6.1

import PackageDescription

let package = Package(
    name: "cordon",
    platforms: [.macOS(.v15)],
    products: [
        // The engine: detectors, matching, decoding, propagation, redaction, streaming.
        .library(name: "Cordon", targets: ["Cordon"]),
        // The request pipeline every front end shares: policy, enforcement, sessions, audit,
        // the sidecar protocol and the Claude Code hook adapter.
        .library(name: "CordonGuard", targets: ["CordonGuard"]),
        // The order-keeping, duplicate-rejecting JSON parser the filters need.
        .library(name: "CordonJSON", targets: ["CordonJSON"]),
        // The detector model and the strict detector-file parser.
        .library(name: "CordonDetectorModel", targets: ["CordonDetectorModel"]),
        // The filtering MCP proxy behind `cordon mcp`.
        .library(name: "CordonMCP", targets: ["CordonMCP"]),
        .executable(name: "cordon", targets: ["CordonCLI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        .target(
            name: "CordonDetectorModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "CordonEmbed",
            dependencies: ["CordonDetectorModel"]
        ),
        .plugin(
            name: "EmbedDetectors",
            capability: .buildTool(),
            dependencies: ["CordonEmbed"]
        ),
        .target(name: "CordonJSON"),
        .target(
            name: "Cordon",
            dependencies: [
                "CPCRE2",
                "CordonDetectorModel",
                "CordonJSON",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedDetectors"]
        ),
        .target(
            name: "CordonGuard",
            dependencies: [
                "Cordon",
                "CordonJSON",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CordonMCP",
            dependencies: ["Cordon", "CordonGuard", "CordonJSON"]
        ),
        .executableTarget(
            name: "CordonCLI",
            dependencies: [
                "Cordon",
                "CordonGuard",
                "CordonMCP",
                "CordonJSON",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "CordonTestSupport",
            dependencies: ["Cordon", "CordonJSON"],
            path: "Tests/CordonTestSupport"
        ),
        .testTarget(name: "CordonJSONTests", dependencies: ["CordonJSON"]),
        .testTarget(name: "CordonTests", dependencies: ["Cordon", "CordonTestSupport"]),
        .testTarget(name: "CordonGuardTests", dependencies: ["CordonGuard", "CordonTestSupport"]),
        .testTarget(name: "CordonCatalogueTests", dependencies: ["Cordon", "CordonTestSupport"]),
        .testTarget(name: "CordonMCPTests", dependencies: ["CordonMCP", "CordonTestSupport"]),
        .testTarget(
            name: "CordonEndToEndTests",
            dependencies: ["CordonGuard", "CordonTestSupport", "CordonCLI"]
        ),
    ]
)

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
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        // The gateway uses NIO's types and event loops directly (NIOCore, NIOPosix, NIOHTTP1);
        // declared here rather than reached through Hummingbird and AsyncHTTPClient.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CPCRE2",
            pkgConfig: "libpcre2-8",
            providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]
        ),
        // Vectorscan (libhs): the first stage, every keyword of every detector in one SIMD pass.
        .systemLibrary(
            name: "CVectorscan",
            pkgConfig: "libhs",
            providers: [.apt(["libvectorscan-dev"]), .brew(["vectorscan"])]
        ),
        .target(
            name: "CordonDetectorModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "CordonEmbed",
            dependencies: ["CordonDetectorModel", "CPCRE2", "CVectorscan"]
        ),
        .plugin(
            name: "EmbedDetectors",
            capability: .buildTool(),
            dependencies: ["CordonEmbed"]
        ),
        .target(name: "CordonJSON"),
        // The decoders' byte classes tested 64 bytes at a time with nibble tables (AVX2, chosen
        // at run time; the SSE2 code in Swift where the processor lacks it).
        .target(name: "CNibbleMasks"),
        .target(
            name: "Cordon",
            dependencies: [
                "CPCRE2",
                "CVectorscan",
                "CNibbleMasks",
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
        // Installs the gateway's Swift-concurrency executor hook where `dlsym` cannot find it
        // (binaries linked with --static-swift-stdlib).
        .target(name: "CConcurrencyHook"),
        // The OpenAI- and Anthropic-compatible HTTP gateway (`cordon gateway`).
        .target(
            name: "CordonGateway",
            dependencies: [
                "CConcurrencyHook",
                "Cordon",
                "CordonGuard",
                "CordonJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
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
                "CordonGateway",
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
        .testTarget(name: "CordonJSONTests", dependencies: ["CordonJSON", "CordonTestSupport"]),
        .testTarget(name: "CordonTests", dependencies: ["Cordon", "CordonTestSupport"]),
        .testTarget(name: "CordonGuardTests", dependencies: ["CordonGuard", "CordonTestSupport"]),
        .testTarget(name: "CordonCatalogueTests", dependencies: ["Cordon", "CordonTestSupport"]),
        .testTarget(name: "CordonMCPTests", dependencies: ["CordonMCP", "CordonTestSupport"]),
        .testTarget(
            name: "CordonGatewayTests",
            dependencies: [
                "CordonGateway",
                "CordonGuard",
                "CordonTestSupport",
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "CordonEndToEndTests",
            dependencies: ["CordonGuard", "CordonTestSupport", "CordonCLI"]
        ),
    ]
)

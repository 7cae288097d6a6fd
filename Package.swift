// swift-tools-version:6.1

import PackageDescription

let package = Package(
    name: "cordon",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Cordon", targets: ["Cordon"]),
        .executable(name: "cordon", targets: ["cordon"]),
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
            dependencies: ["CordonDetectorModel"],
            path: "Sources/CordonEmbed"
        ),
        .plugin(
            name: "EmbedDetectors",
            capability: .buildTool(),
            dependencies: ["CordonEmbed"]
        ),
        .target(
            name: "Cordon",
            dependencies: [
                "CPCRE2",
                "CordonDetectorModel",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            plugins: ["EmbedDetectors"]
        ),
        .executableTarget(
            name: "cordon",
            dependencies: [
                "Cordon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CordonTests",
            dependencies: ["Cordon", "CordonDetectorModel", "cordon"]
        ),
    ]
)

// swift-tools-version:6.2
// Switchboard: an IVR / AI call-bot service. Needs Swift 6.2 or later (developed with 6.3.1). The module table,
// who may import whom and the path of one call: docs/architecture.md. A target imports only targets above it in
// this order: SwitchboardCore, Audio, SIP, RTP, Flows, ModelClient, CallLog, Tools, CallEngine, Bridges,
// CallWiring, Replay, Server, switchboard.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
    ],
    targets: [
        // System libraries (pkg-config; Debian packages installed by deploy/setup.sh).
        .systemLibrary(name: "COpus", pkgConfig: "opus", providers: [.apt(["libopus-dev"])]),
        .systemLibrary(name: "CSpeexDSP", pkgConfig: "speexdsp", providers: [.apt(["libspeexdsp-dev"])]),
        .systemLibrary(name: "CEspeakNG", providers: [.apt(["libespeak-ng-dev"])]),

        // The values every module shares (DESIGN.md: a leaf, importable by all).
        .target(name: "SwitchboardCore", swiftSettings: swiftSettings),

        // Pure cores.
        .target(name: "Audio", dependencies: ["COpus", "CSpeexDSP"], swiftSettings: swiftSettings),
        .target(name: "SIP", dependencies: ["SwitchboardCore"], swiftSettings: swiftSettings),
        .target(name: "RTP", dependencies: ["Audio"], swiftSettings: swiftSettings),
        .target(
            name: "Flows",
            dependencies: ["SwitchboardCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),

        // Adapters and wiring.
        .target(
            name: "ModelClient",
            dependencies: [
                "SwitchboardCore",
                "Audio",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallLog",
            dependencies: [
                "SwitchboardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Tools",
            dependencies: [
                "SwitchboardCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallEngine",
            dependencies: ["SwitchboardCore", "Audio", "Flows", "CEspeakNG", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CallWiring",
            dependencies: [
                "SwitchboardCore", "CallEngine", "Flows", "ModelClient", "Tools", "CallLog", "Audio",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Replay",
            dependencies: [
                "SwitchboardCore", "CallEngine", "CallWiring", "Flows", "ModelClient", "Tools", "Audio",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "SwitchboardCore", "Audio", "SIP", "RTP", "Flows", "ModelClient", "CallLog", "Replay", "Bridges",
                "CallEngine", "CallWiring", "Tools",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Bridges",
            dependencies: [
                "SwitchboardCore", "SIP", "RTP", "Audio",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "SwitchboardCore", "Server", "Audio", "SIP", "RTP", "Flows", "ModelClient", "CallLog", "Tools",
                "Bridges", "Replay", "CallWiring", "CallEngine",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Tests: one target per module, each depending on SwitchboardTestKit (shared fakes, test audio, the
        // `.integration` tag). Tests with real sockets, peers (sipp, espeak-ng, sox) or child processes are tagged
        // `.integration`: `deploy/test.sh unit` runs the rest, `deploy/test.sh` everything.
        .target(
            name: "SwitchboardTestKit",
            dependencies: [
                "SwitchboardCore", "Audio", "Flows", "CallEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/SwitchboardTestKit",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AudioTests",
            dependencies: ["Audio", "SwitchboardTestKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SIPTests", dependencies: ["SIP", "SwitchboardTestKit"], resources: [.copy("rfc4475")], swiftSettings: swiftSettings),
        .testTarget(name: "RTPTests", dependencies: ["RTP", "Audio", "SwitchboardTestKit"], swiftSettings: swiftSettings),
        .testTarget(name: "FlowsTests", dependencies: ["SwitchboardCore", "Flows", "SwitchboardTestKit"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelClientTests",
            dependencies: [
                "SwitchboardCore", "ModelClient", "SwitchboardTestKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CallEngineTests",
            dependencies: ["SwitchboardCore", "CallEngine", "SwitchboardTestKit", "Audio", "Flows"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BridgesTests",
            dependencies: [
                "SwitchboardCore", "Bridges", "SIP", "RTP", "Audio", "SwitchboardTestKit",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReplayTests", dependencies: ["SwitchboardCore", "Replay", "Flows", "CallEngine", "Audio", "SwitchboardTestKit"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CallWiringTests",
            dependencies: ["SwitchboardCore", "CallWiring", "CallEngine", "Flows", "Tools", "SwitchboardTestKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CallLogTests", dependencies: ["SwitchboardCore", "CallLog", "SwitchboardTestKit"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "SwitchboardCore", "Server", "CallLog", "Replay", "Audio", "SwitchboardTestKit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ToolsTests",
            dependencies: [
                "SwitchboardCore", "Tools", "SwitchboardTestKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

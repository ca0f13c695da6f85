// swift-tools-version:6.2
import PackageDescription

// Dependencies point one way: ConfParser ← RuleEngine ← Transport ← Server.
// ConfParser and RuleEngine are plain Swift (no NIO) so that `smtpd -n` and the
// rule engine build and test in seconds.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tern",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "smtpd", targets: ["smtpd"]),
        .executable(name: "smtpctl", targets: ["smtpctl"]),
        .library(name: "ConfParser", targets: ["ConfParser"]),
        .library(name: "RuleEngine", targets: ["RuleEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // SHA-1 for SRS (`srs key`), as OpenSMTPD's srs.c computes it.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // A heap for the scheduler's time order; already built as a dependency of swift-nio.
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // Berkeley DB 1.85 API of the system's libdb, opened with dlopen at run time so that building Tern
        // needs no libdb headers; only `db:` tables need the library.
        .target(name: "CBerkeleyDB", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "ConfParser", dependencies: ["CBerkeleyDB"], swiftSettings: swiftSettings),
        .target(name: "RuleEngine", dependencies: ["ConfParser"], swiftSettings: swiftSettings),
        // The system's crypt(3) (libxcrypt on Debian): verifies every hash OpenSMTPD and Dovecot write.
        .systemLibrary(name: "CCrypt", path: "Sources/CCrypt"),
        // glibc's stub resolver (res_nquery, ns_parserr in libresolv): MX lookups through the system's resolver
        // configuration, rather than a DNS client of our own.
        .systemLibrary(name: "CResolv", path: "Sources/CResolv"),
        .systemLibrary(name: "CLinux", path: "Sources/CLinux"),
        .target(
            name: "Transport",
            dependencies: [
                "RuleEngine", "CCrypt", "CResolv",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "ConfParser", "RuleEngine", "Transport", "CCrypt", "CBerkeleyDB", "CLinux",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HeapModule", package: "swift-collections"),
            ],
            exclude: ["Queue/README.md", "Delivery/README.md"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "smtpd",
            dependencies: [
                "Server", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "smtpctl",
            dependencies: ["Server", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ConfParserTests", dependencies: ["ConfParser", "PeerSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "RuleEngineTests", dependencies: ["RuleEngine", "PeerSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "ConfParser", "RuleEngine", "Transport", "DeliveryTestHost", "PeerSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The smtpd binary's delivery supervisor/worker roles alone, so that the tests can start real workers.
        .executableTarget(
            name: "DeliveryTestHost", dependencies: ["Server"], path: "Tests/DeliveryTestHost",
            swiftSettings: swiftSettings
        ),
        // Real peers for tests: dnsmasq with MX records, aiosmtpd receiving servers (SMTP, LMTP, TLS, AUTH).
        .target(name: "PeerSupport", path: "Tests/PeerSupport", swiftSettings: swiftSettings),
        // Drives the built smtpd and smtpctl binaries with real clients; no Tern module imported.
        .testTarget(name: "EndToEndTests", dependencies: ["PeerSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "TransportTests",
            dependencies: ["Transport", "PeerSupport", .product(name: "NIOEmbedded", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

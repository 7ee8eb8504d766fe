// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "oms-edge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "oms", targets: ["oms"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-service-context.git", from: "1.5.1"),
        // OTLP over HTTP only: the gRPC exporter would build grpc-swift for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // C shims: one per system library, nothing above the wrapper touches their pointers.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // hiredis 0.14 ships no usable pkg-config name for this layout: the modulemap links it.
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),

        // Strict JSON (RFC 8259) shared by every module that reads outside JSON.
        .target(name: "JSON"),

        // Wrappers.
        .target(name: "JOSE", dependencies: ["COpenSSL", "JSON"]),
        // Client TLS settings and OpenSSL sessions over sockets we own (Redis).
        .target(name: "TLS", dependencies: ["COpenSSL"]),
        .target(
            name: "Curl",
            dependencies: [
                "CCurl", "TLS",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ]
        ),
        .target(name: "XML", dependencies: ["CXML2"]),
        .target(
            name: "Redis",
            dependencies: [
                "CHiredis", "TLS", "EdgeRuntime",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "Kafka",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // SOAP 1.1/1.2 envelopes, faults and WS-Security on the hardened XML module.
        .target(name: "SOAP", dependencies: ["XML"]),

        // Runtime shared by every role.
        .target(
            name: "EdgeRuntime",
            dependencies: [
                "JSON", "TLS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
            ]
        ),
        // OpenTelemetry export (OTLP/HTTP) of the spans the roles make, set up once per process.
        .target(
            name: "Telemetry",
            dependencies: [
                "EdgeRuntime",
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Roles.
        .target(
            name: "AuthService",
            dependencies: [
                "JOSE", "JSON", "Curl", "EdgeRuntime", "TLS", "Redis",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceContextModule", package: "swift-service-context"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Every role behind the gateway checks its caller's bearer token itself.
        .target(
            name: "Access",
            dependencies: [
                "AuthService", "Curl", "EdgeRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        .target(
            name: "Emulators",
            dependencies: [
                "JOSE", "JSON", "SOAP", "XML", "EdgeRuntime",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
            ]
        ),

        .target(
            name: "SOAPBridge",
            dependencies: [
                "Access", "XML", "SOAP", "JSON", "Curl", "EdgeRuntime", "TLS",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),

        // The OMS database: SQLite (embedded) or PostgreSQL, connections and migrations.
        .target(
            name: "Database",
            dependencies: [
                "EdgeRuntime", "TLS",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "RefData",
            dependencies: [
                "Access", "Database", "Redis", "JSON", "EdgeRuntime", "TLS",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        .target(
            name: "Core",
            dependencies: [
                "Access", "Database", "JSON", "Curl", "Kafka", "EdgeRuntime", "TLS",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),

        // Entry point: commands only.
        .target(
            name: "Conformance",
            dependencies: [
                "JOSE", "JSON", "Curl", "XML", "EdgeRuntime",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "oms",
            dependencies: [
                "AuthService", "Emulators", "SOAPBridge", "RefData", "Core", "Conformance", "JOSE", "JSON", "Curl", "EdgeRuntime", "Telemetry",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Benchmarks (not tests): see Benchmarks/README.md.
        .executableTarget(
            name: "oms-bench-localcheck",
            dependencies: ["AuthService", "JOSE", "JSON", "COpenSSL"],
            path: "Benchmarks/LocalCheck"
        ),

        .executableTarget(
            name: "oms-bench-ceiling",
            dependencies: ["AuthService", "EdgeRuntime", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/Ceiling"
        ),

        .executableTarget(
            name: "oms-bench-translation",
            dependencies: ["SOAPBridge", "SOAP", "XML"],
            path: "Benchmarks/Translation"
        ),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "JOSETests", dependencies: ["JOSE", "JSON"], exclude: ["Vectors"]),
        .testTarget(name: "XMLTests", dependencies: ["XML", "CXML2"]),
        .testTarget(name: "SOAPTests", dependencies: ["SOAP", "XML"]),
        .testTarget(
            name: "SOAPBridgeTests",
            dependencies: [
                "Access", "SOAPBridge", "Emulators", "XML", "JSON", "Curl", "EdgeRuntime", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "CurlTests",
            dependencies: [
                "Curl", "TLS", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "EdgeRuntimeTests",
            dependencies: ["EdgeRuntime", "TLS", "TestSupport", "Curl", "JSON", .product(name: "Hummingbird", package: "hummingbird")]
        ),
        // Loopback sockets and child processes for the tests that need real servers.
        .target(
            name: "TestSupport",
            dependencies: [
                "Access", "AuthService", "Curl", "JOSE", "JSON", "Kafka", "Redis", "TLS",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "AuthServiceTests",
            dependencies: [
                "AuthService", "Emulators", "JOSE", "JSON", "Curl", "EdgeRuntime", "TestSupport", "TLS", "Redis",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // Runs the built `oms` executable as a user would (scripts/test.sh builds it first).
        .testTarget(name: "CommandLineTests", dependencies: ["JOSE", "JSON", "Curl", "TestSupport"], exclude: ["console-browser.py"]),
        // Renders helm/oms with the real Helm and checks the wiring (and each role's config with
        // the built `oms --check`).
        .testTarget(name: "HelmTests", dependencies: ["TestSupport", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "RedisTests", dependencies: ["Redis", "TLS", "TestSupport"]),
        .testTarget(name: "KafkaTests", dependencies: ["Kafka", "TestSupport"]),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "Conformance", "JOSE", "JSON", "Curl", "EdgeRuntime", "TestSupport", "XML",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            exclude: ["weak-bridge.py"]
        ),
        .testTarget(
            name: "DatabaseTests",
            dependencies: [
                "Database", "EdgeRuntime", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RefDataTests",
            dependencies: [
                "Access", "AuthService", "Emulators", "JOSE", "RefData", "Database", "Redis", "JSON", "Curl", "EdgeRuntime", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "CoreTests",
            dependencies: [
                "Access", "Core", "Kafka", "Database", "JSON", "Curl", "EdgeRuntime", "TestSupport", "RefData", "SOAPBridge", "Emulators", "TLS",
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "EmulatorsTests", dependencies: ["Emulators", "JOSE", "JSON", "SOAP", "XML", "Curl", "EdgeRuntime", "TestSupport"]),
    ]
)

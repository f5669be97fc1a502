// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Dependencies run one way: Diagnostics, Exact ← Records ← RulesLanguage ← Batch ← jifen.
// Pay is pure arithmetic and the payroll over Exact (it asks the rules for formula values
// through a protocol). CXlsxWriter is imported by Reports only; ZIPFoundation by Reports
// (the xlsx reader inflates with zlib itself, Records/Reading/ZipArchive.swift).
// The modules a month's rows and cadres pass through (read, validate, score, pay) skip the
// run-time exclusivity checks in release builds: `swift_beginAccess` on class properties cost
// ~2 % of validate + score (callgrind, `make callgrind`). Debug builds, which the tests run,
// keep them, and so do the fuzzers' release builds (`make fuzz` sets JIFEN_EXCLUSIVITY_CHECKS),
// so an overlapping access is still caught there.
let hotPath: [SwiftSetting] = ProcessInfo.processInfo.environment["JIFEN_EXCLUSIVITY_CHECKS"] != nil
    ? [] : [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "jifen",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jifen", targets: ["jifen"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.0.0"),
    ],
    targets: [
        .target(name: "Diagnostics"),
        .target(name: "Exact"),
        // zlib: the xlsx reader inflates workbook parts itself (Records/Reading/ZipArchive.swift).
        .target(name: "CSupport", linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "Records",
            dependencies: ["Diagnostics", "Exact", "CSupport"],
            swiftSettings: hotPath
        ),
        .target(name: "Pay", dependencies: ["Exact"], swiftSettings: hotPath),
        .target(name: "Results", dependencies: ["Exact", "Pay"], swiftSettings: hotPath),
        .target(
            name: "Batch",
            dependencies: ["CSupport", "Diagnostics", "Exact", "Records", "RulesLanguage", "Results", "Store", "Pay", "Reports"]
        ),
        .target(name: "CSHA256"),
        // Stored inputs' fields split into columns before zstd (Sources/Store/FieldColumns.swift).
        .target(name: "CFieldColumns"),
        // Stored inputs are zstd frames (Sources/Store/BlobCodec.swift).
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .target(
            name: "Store",
            dependencies: [
                "CFieldColumns", "CSHA256", "CZstd", "Diagnostics", "Exact", "Pay", "Results",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ]
        ),
        .target(name: "RulesLanguage", dependencies: ["Diagnostics", "Exact", "Records", "Pay", "Results"], swiftSettings: hotPath),
        .target(name: "Generator", dependencies: ["Exact"]),
        .systemLibrary(
            name: "CXlsxWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        // Lets the reports deflate at a faster level (see Sources/CZlibLevel/zlib_level.c).
        .target(
            name: "CZlibLevel",
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("deflate"), .unsafeFlags([
                "-Xlinker", "--export-dynamic-symbol=deflateInit2_", "-Xlinker", "--export-dynamic-symbol=deflate",
                "-Xlinker", "--export-dynamic-symbol=deflateEnd",
            ])]
        ),
        // Makes libxlsxwriter print numbers in shortest exact form (see Sources/CShortestNumber).
        .target(
            name: "CShortestNumber",
            linkerSettings: [.linkedLibrary("dl"), .unsafeFlags([
                "-Xlinker", "--export-dynamic-symbol=snprintf", "-Xlinker", "--export-dynamic-symbol=fprintf",
                "-Xlinker", "--export-dynamic-symbol=__fprintf_chk",
            ])]
        ),
        .target(
            name: "Reports",
            dependencies: ["CXlsxWriter", "CZlibLevel", "CShortestNumber", "Exact", "Records", "Results", "Pay", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .target(
            name: "Portal",
            dependencies: [
                "Diagnostics", "Exact", "Records", "Results", "Store", "Pay", "RulesLanguage", "Batch", "Reports",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .executableTarget(
            name: "jifen",
            dependencies: [
                "CSupport", "Diagnostics", "Exact", "Records", "Pay", "RulesLanguage", "Generator", "Results", "Store", "Batch", "Reports", "Portal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "jifen-bench",
            dependencies: [
                "Exact", "Records", "Pay", "RulesLanguage", "Generator", "Batch",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Fuzz targets over the readers and the rules language (docs/architecture.md, "Fuzzing"):
        // `make fuzz` builds them with libFuzzer; an ordinary build makes replay tools of them.
        .target(name: "CLibFuzzer", path: "Sources/Fuzz/CLibFuzzer"),
        .target(name: "FuzzSupport", dependencies: ["CLibFuzzer"], path: "Sources/Fuzz/Support"),
        .executableTarget(name: "jifen-fuzz-csv", dependencies: ["FuzzSupport", "Records", "Diagnostics"], path: "Sources/Fuzz/CSV"),
        .executableTarget(name: "jifen-fuzz-xlsx", dependencies: ["FuzzSupport", "Records", "Diagnostics", "CSupport"], path: "Sources/Fuzz/XLSX"),
        .executableTarget(name: "jifen-fuzz-rules", dependencies: ["FuzzSupport", "RulesLanguage", "Diagnostics"], path: "Sources/Fuzz/Rules"),
        .target(name: "TestSupport", dependencies: ["Diagnostics", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "DiagnosticsTests", dependencies: ["Diagnostics", "TestSupport"]),
        .testTarget(name: "ExactTests", dependencies: ["Exact"]),
        .testTarget(name: "RecordsTests", dependencies: ["Records", "TestSupport", "CXlsxWriter", "CSupport"], exclude: ["Validation/Snapshots"]),
        .testTarget(name: "PayTests", dependencies: ["Pay"], exclude: ["Snapshots"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", "TestSupport"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "TestSupport"], exclude: ["Fixtures", "Snapshots"]),
        .testTarget(name: "RulesLanguageTests", dependencies: ["RulesLanguage", "TestSupport"], exclude: ["Snapshots"]),
        .testTarget(name: "GeneratorTests", dependencies: ["Generator"]),
        .testTarget(
            name: "ReportsTests",
            dependencies: ["Reports", "Records", "TestSupport", "Results", "Exact", "Pay", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(name: "ArchitectureTests", dependencies: ["TestSupport"]),
        .testTarget(
            name: "CLITests", dependencies: ["TestSupport", "Store", "Results", "Exact", "Pay", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "PortalTests",
            dependencies: [
                "Portal", "Store", "Results", "Exact", "Pay", "Batch", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
// FlowStudy: flow cytometry and ELISA to the outcome tables of a clinical study.
//
// Modules follow the pipeline, and each imports only the stages upstream of it:
//   FlowStudyZlib (system zlib) → FCS → Simulation → … → flowstudy (CLI, thin).
import PackageDescription

let package = Package(
    name: "FlowStudy",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowstudy", targets: ["flowstudy"]),
        .library(name: "FCS", targets: ["FCS"]),
        .library(name: "Compensation", targets: ["Compensation"]),
        .library(name: "Transforms", targets: ["Transforms"]),
        .library(name: "Gating", targets: ["Gating"]),
        .library(name: "Batch", targets: ["Batch"]),
        .library(name: "Plots", targets: ["Plots"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "ELISA", targets: ["ELISA"]),
        .library(name: "Simulation", targets: ["Simulation"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256 of every input for run.json (BoringSSL's hardware-accelerated hash on Linux).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Test and fuzzing fixtures: .xlsx workbooks built in memory (ELISA reads them with the system zlib).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
    ],
    targets: [
        // zlib from the system (Debian zlib1g-dev): gzip input now, PNG later.
        .systemLibrary(
            name: "FlowStudyZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(name: "FCS", dependencies: ["FlowStudyZlib"]),
        .target(name: "Compensation", dependencies: ["FCS"]),
        .target(name: "Transforms"),
        .target(name: "Gating", dependencies: ["FCS", "Compensation", "Transforms"]),
        .target(name: "Batch", dependencies: ["FCS", "Gating", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Plots", dependencies: ["FlowStudyZlib", "FCS", "Gating", "Transforms", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "Reports", dependencies: ["Batch", "Gating"]),
        // .xlsx parts are inflated with the system zlib (ZipArchive); ZIPFoundation only builds test workbooks.
        .target(name: "ELISA", dependencies: ["FlowStudyZlib"]),
        .target(name: "Simulation", dependencies: ["FCS"]),
        .executableTarget(
            name: "flowstudy",
            dependencies: [
                "FCS", "Simulation", "Gating", "Batch", "Reports", "ELISA", "Plots",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: ../shared lookup, temporary folders, approximate equality.
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .testTarget(name: "FCSTests", dependencies: ["FCS", "TestSupport"]),
        .testTarget(name: "CompensationTests", dependencies: ["Compensation", "FCS", "TestSupport"]),
        .testTarget(name: "TransformsTests", dependencies: ["Transforms", "TestSupport"]),
        .testTarget(name: "GatingTests", dependencies: ["Gating", "FCS", "Compensation", "Transforms", "TestSupport"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "Gating", "FCS", "Simulation", "TestSupport"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots", "FlowStudyZlib", "FCS", "Gating", "Simulation", "Transforms", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Batch", "Gating", "TestSupport"]),
        .testTarget(name: "ELISATests", dependencies: ["ELISA", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "FCS", "TestSupport"]),
        .testTarget(name: "FlowStudyCLITests", dependencies: ["flowstudy", "FCS", "TestSupport"]),
    ]
)

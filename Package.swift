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
        .library(name: "Tables", targets: ["Tables"]),
        .library(name: "FCS", targets: ["FCS"]),
        .library(name: "Compensation", targets: ["Compensation"]),
        .library(name: "Transforms", targets: ["Transforms"]),
        .library(name: "Gating", targets: ["Gating"]),
        .library(name: "Batch", targets: ["Batch"]),
        .library(name: "Plots", targets: ["Plots"]),
        .library(name: "Reports", targets: ["Reports"]),
        .library(name: "ELISA", targets: ["ELISA"]),
        .library(name: "Simulation", targets: ["Simulation"]),
        .library(name: "Statistics", targets: ["Statistics"]),
        .library(name: "Outcomes", targets: ["Outcomes"]),
        .library(name: "Demo", targets: ["Demo"]),
        .library(name: "Study", targets: ["Study"]),
        .library(name: "Editor", targets: ["Editor"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // SHA-256 of every input for run.json (BoringSSL's hardware-accelerated hash on Linux).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // Test and fuzzing fixtures: .xlsx workbooks built in memory (ELISA reads them with the system zlib).
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.19"),
        // `flowstudy edit`: the gate editor's local web server (loopback only) and its in-process test client.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // zlib from the system (Debian zlib1g-dev): gzip input now, PNG later.
        .systemLibrary(
            name: "FlowStudyZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // Shared file I/O below every stage: CSV tables, atomic outputs and output sets, safe inputs, SHA-256.
        .target(name: "Tables", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "FCS", dependencies: ["FlowStudyZlib", "Tables"]),
        .target(name: "Compensation", dependencies: ["FCS", "Tables"]),
        .target(name: "Transforms"),
        .target(name: "Gating", dependencies: ["FCS", "Compensation", "Transforms", "Tables"]),
        .target(name: "Batch", dependencies: ["FCS", "Compensation", "Gating", "Tables"]),
        // Figures and the review gallery, which decides a group's gates (pooled, a control's) with Batch's GroupGates.
        .target(name: "Plots", dependencies: ["FlowStudyZlib", "FCS", "Gating", "Batch", "Transforms", "Tables"]),
        // The study report: figures of the outcomes, index.html, a page per subject, provenance (above Outcomes and Plots).
        .target(name: "Reports", dependencies: ["Outcomes", "Plots", "Statistics", "Tables"]),
        // .xlsx parts are read with the system zlib (ZipArchive); ZIPFoundation only writes workbooks (PlateExport).
        .target(name: "ELISA", dependencies: ["Tables", "FlowStudyZlib", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Simulation", dependencies: ["FCS", "Tables"]),
        // R-exact tests and the special functions behind them; only the shared table I/O below it.
        .target(name: "Statistics", dependencies: ["Tables"]),
        // The synthetic demo study (cohort, FCS tubes, ELISA plates, truth): composes the stages it writes for, so
        // it sits downstream of them and nothing upstream depends on it.
        .target(name: "Demo", dependencies: ["Simulation", "ELISA", "FCS", "Tables"]),
        // The study's answers: clinical and sample sheets, markers and concentrations as typed values, outcomes P1 and
        // S1–S4, and their tables.
        .target(name: "Outcomes", dependencies: ["Tables", "Statistics"]),
        // A whole study from raw files to the report: batch, ELISA, gallery, outcomes (the top of the pipeline).
        .target(name: "Study", dependencies: ["Batch", "ELISA", "FCS", "Gating", "Outcomes", "Plots", "Reports", "Tables"]),
        // `flowstudy edit`: a gate editor in the browser over a template and its samples (beside Study, below the CLI).
        .target(
            name: "Editor",
            dependencies: ["Gating", "Compensation", "Plots", "Batch", "FCS", "Tables", .product(name: "Hummingbird", package: "hummingbird")],
            resources: [.copy("Page")]
        ),
        .executableTarget(
            name: "flowstudy",
            dependencies: [
                "Tables", "FCS", "Simulation", "Gating", "Batch", "Reports", "ELISA", "Plots", "Statistics", "Outcomes", "Demo", "Study", "Editor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by the test targets: ../shared lookup, temporary folders, approximate equality.
        .target(name: "TestSupport", path: "Sources/TestSupport"),
        .testTarget(name: "TablesTests", dependencies: ["Tables", "TestSupport"]),
        .testTarget(name: "FCSTests", dependencies: ["FCS", "TestSupport"]),
        .testTarget(name: "CompensationTests", dependencies: ["Compensation", "FCS", "TestSupport"]),
        .testTarget(name: "TransformsTests", dependencies: ["Transforms", "TestSupport"]),
        .testTarget(name: "GatingTests", dependencies: ["Gating", "FCS", "Compensation", "Transforms", "TestSupport"]),
        .testTarget(name: "BatchTests", dependencies: ["Batch", "Tables", "Gating", "FCS", "Simulation", "TestSupport"]),
        .testTarget(name: "PlotsTests", dependencies: ["Plots", "Batch", "FlowStudyZlib", "FCS", "Gating", "Simulation", "Transforms", "TestSupport"]),
        .testTarget(name: "ReportsTests", dependencies: ["Reports", "Outcomes", "Plots", "Tables", "TestSupport"]),
        .testTarget(name: "ELISATests", dependencies: ["ELISA", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "FCS", "Compensation", "TestSupport"]),
        .testTarget(name: "DemoTests", dependencies: ["Demo", "Simulation", "ELISA", "FCS", "Batch", "Tables", "Compensation", "TestSupport"]),
        .testTarget(name: "StatisticsTests", dependencies: ["Statistics", "TestSupport"]),
        .testTarget(name: "OutcomesTests", dependencies: ["Outcomes", "Tables", "TestSupport"]),
        // Browser/ holds the DevTools-protocol driver the browser test runs with Python.
        .testTarget(name: "EditorTests", dependencies: ["Editor", "Batch", "Gating", "FCS", "Simulation", "Tables", "TestSupport",
                                                         .product(name: "HummingbirdTesting", package: "hummingbird")],
                    exclude: ["Browser"]),
        .testTarget(name: "FlowStudyCLITests", dependencies: ["flowstudy", "FCS", "Gating", "Batch", "Study", "Outcomes", "Tables", "TestSupport"]),
    ]
)

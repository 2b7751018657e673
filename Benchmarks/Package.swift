// swift-tools-version:6.1
// FlowStudy's speed measurements, kept out of the main package so `swift test` never builds them.
//   swift run -c release --package-path Benchmarks flowstudy-bench parse FILE.fcs
//   swift run -c release --package-path Benchmarks flowstudy-bench gate FILE.fcs TEMPLATE.json
//   swift run -c release --package-path Benchmarks flowstudy-bench outcomes
//   swift run -c release --package-path Benchmarks flowstudy-bench adaptive   (needs the release flowstudy)
//   swift run -c release --package-path Benchmarks editor-bench DIR   (the gate editor: drag round trip, re-gate)
import PackageDescription

let package = Package(
    name: "FlowStudyBenchmarks",
    dependencies: [.package(name: "FlowStudy", path: "..")],
    targets: [
        .executableTarget(
            name: "flowstudy-bench",
            dependencies: [.product(name: "FCS", package: "FlowStudy"), .product(name: "Gating", package: "FlowStudy"), .product(name: "ELISA", package: "FlowStudy"),
                           .product(name: "Plots", package: "FlowStudy"), .product(name: "Outcomes", package: "FlowStudy"),
                           .product(name: "Reports", package: "FlowStudy"), .product(name: "Tables", package: "FlowStudy"),
                           .product(name: "Simulation", package: "FlowStudy")]
        ),
        // The gate editor's drag round trip and re-gate (issue 14), a target of its own.
        .executableTarget(
            name: "editor-bench",
            dependencies: [.product(name: "Editor", package: "FlowStudy"), .product(name: "Batch", package: "FlowStudy"),
                           .product(name: "FCS", package: "FlowStudy"), .product(name: "Gating", package: "FlowStudy"),
                           .product(name: "Simulation", package: "FlowStudy")]
        ),
    ]
)

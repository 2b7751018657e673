import Foundation
import Testing
import TestSupport
import FCS

/// `flowstudy simulate` with a truth sidecar and donor shifts, as a user runs it.
@Suite("flowstudy simulate --truth and donor shifts")
struct SimulateShiftCLITests {
    let flowstudy: String

    init() throws {
        flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
    }

    @Test("--truth writes TUBE.truth.csv beside a .fcs.gz: a header and one population per event")
    func truthSidecar() throws {
        let folder = try TemporaryDirectory()
        let result = run(flowstudy, ["simulate", "--events", "3000", "--seed", "6", "--truth", "-o", folder.path("tube.fcs.gz")])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = try String(contentsOfFile: folder.path("tube.truth.csv"), encoding: .utf8).split(separator: "\n")
        #expect(lines.first == "population")
        #expect(lines.count == 3_001)
        #expect(Set(lines.dropFirst()) == ["debris", "doublet", "dead", "lymphocyte", "macrophage"])
        // Without --truth nothing is written beside the file.
        #expect(run(flowstudy, ["simulate", "--events", "10", "-o", folder.path("plain.fcs")]).status == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.path("plain.truth.csv")))
    }

    @Test("the shift options reach the file: scatter × 1.15 on the same draws, the shifts recorded as keywords")
    func shiftOptions() throws {
        let folder = try TemporaryDirectory()
        #expect(run(flowstudy, ["simulate", "--events", "2000", "--seed", "5", "-o", folder.path("plain.fcs")]).status == 0)
        let shifted = run(flowstudy, ["simulate", "--events", "2000", "--seed", "5", "--scatter-drift", "0.15", "--marker-shift", "CD14=-0.5",
                                      "--marker-shift", "CD45=-0.5", "--dead-shift", "0.3", "-o", folder.path("shifted.fcs")])
        #expect(shifted.status == 0, "\(shifted.stderr)")
        let plain = try FCSFile.readSample(folder.path("plain.fcs")), moved = try FCSFile.readSample(folder.path("shifted.fcs"))
        let before = try plain.values("SSC-A").doubles(), after = try moved.values("SSC-A").doubles()
        // Unclamped events (200 < SSC-A·1.15 < 262,143) move by exactly 1.15, up to Float32 rounding.
        for (b, a) in zip(before, after) where b > 200 && b * 1.15 < 262_000 { #expect(abs(a / b - 1.15) < 1e-6) }
        #expect(moved.keywords["FLOWSTUDY MARKER SHIFTS"] == "CD14=-0.5,CD45=-0.5")
        #expect(moved.keywords["FLOWSTUDY DEAD PEAK SHIFT"] == "0.3")
        for bad in [["--marker-shift", "CD14"], ["--marker-shift", "CD999=-0.5"], ["--marker-shift", "Viability=0.3"],
                    ["--marker-shift", "CD14=-0.5", "--marker-shift", "CD14=-0.2"], ["--scatter-drift=-1"], ["--dead-shift", "4"]] {
            let result = run(flowstudy, ["simulate", "--events", "10"] + bad + ["-o", folder.path("bad.fcs")])
            #expect(result.status == 64, "\(bad): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path("bad.fcs")))
    }

    @Test("a negative number follows its option as a separate word (--scatter-drift -0.15), as with '='")
    func negativeValues() throws {
        let folder = try TemporaryDirectory()
        let spaced = run(flowstudy, ["simulate", "--events", "500", "--scatter-drift", "-0.15", "--dead-shift", "-0.3", "-o", folder.path("spaced.fcs")])
        #expect(spaced.status == 0, "\(spaced.stderr)")
        let joined = run(flowstudy, ["simulate", "--events=500", "--scatter-drift=-0.15", "--dead-shift=-0.3", "-o", folder.path("joined.fcs")])
        #expect(joined.status == 0, "\(joined.stderr)")
        let a = try FCSFile.readSample(folder.path("spaced.fcs")), b = try FCSFile.readSample(folder.path("joined.fcs"))
        #expect(try a.values("SSC-A").doubles() == b.values("SSC-A").doubles())
        #expect(a.keywords["FLOWSTUDY DEAD PEAK SHIFT"] == "-0.3")
        // A negative count is named by the option's own check, not taken for a missing value.
        let negative = run(flowstudy, ["simulate", "--events", "-5", "-o", folder.path("bad.fcs")])
        #expect(negative.status == 64 && negative.stderr.contains("--events must be at least 1"), "\(negative.stderr)")
    }
}

import Foundation
import Testing
import TestSupport
import FCS
@testable import Simulation

@Suite("Truth sidecar")
struct TruthSidecarTests {
    @Test("the sidecar's counts match the mixture proportions within four binomial standard errors (by hand)")
    func countsMatchMixture() throws {
        let folder = try TemporaryDirectory()
        let simulated = try MacrophageSimulator(events: 20_000, seed: 3).simulate()
        let path = TruthSidecar.path(forFCS: folder.path("tube.fcs"))
        try simulated.truth.csv().write(toFile: path, atomically: false, encoding: .utf8)
        // Counted from the file's text, not through TruthSidecar.read.
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.first == "population")
        #expect(lines.last == "")
        #expect(lines.count == 20_002)
        var counts: [Substring: Int] = [:]
        for line in lines.dropFirst().dropLast() { counts[line, default: 0] += 1 }
        // n = 20,000; mean n·p, SD √(n·p·(1 − p)); the interval is mean ± 4 SD:
        //   debris     p 0.08: 1,600 ± 4·38.37 = 153.5 → 1,447…1,753
        //   doublet    p 0.07: 1,400 ± 4·36.08 = 144.3 → 1,256…1,544
        //   dead       p 0.10: 2,000 ± 4·42.43 = 169.7 → 1,831…2,169
        //   lymphocyte p 0.10: 2,000 ± 4·42.43 = 169.7 → 1,831…2,169
        //   macrophage p 0.65: 13,000 ± 4·67.45 = 269.8 → 12,731…13,269
        let expected: [(Substring, ClosedRange<Int>)] = [("debris", 1_447...1_753), ("doublet", 1_256...1_544), ("dead", 1_831...2_169),
                                                         ("lymphocyte", 1_831...2_169), ("macrophage", 12_731...13_269)]
        for (name, range) in expected {
            #expect(range.contains(counts[name] ?? 0), "\(name): \(counts[name] ?? 0)")
        }
        #expect(counts.keys.count == 5)
        #expect(try TruthSidecar.read(path: path, events: 20_000) == simulated.truth)
    }

    @Test("each line is its event: lymphocytes are small, doublets have half the height per area")
    func linesFollowEventOrder() throws {
        let simulated = try MacrophageSimulator(events: 6_000, seed: 8).simulate()
        let back = try FCSFile.read(bytes: try FCSWriter().encode([simulated.sample])).dataSets[0]
        let truth = try TruthSidecar.read(Array(simulated.truth.csv().utf8), file: "t.truth.csv", events: back.eventCount)
        let fscA = try back.values("FSC-A").doubles(), fscH = try back.values("FSC-H").doubles()
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        let lymphocytes = truth.populations.indices.filter { truth.populations[$0] == .lymphocyte }
        // Lymphocytes: FSC-A ~ N(55,000, 8,000); ~600 events, so the mean is within 4 · 8,000/√600 ≈ 1,310.
        #expect(abs(mean(lymphocytes.map { fscA[$0] }) - 55_000) < 1_310)
        // Doublets: height/area = 0.85 · first · 1.1 / (first + second) ≈ 0.47; singles 0.83–0.9.
        let doublets = truth.populations.indices.filter { truth.populations[$0] == .doublet }
        let macrophages = truth.populations.indices.filter { truth.populations[$0] == .macrophage }
        #expect(mean(doublets.map { fscH[$0] / fscA[$0] }) < 0.55)
        #expect(abs(mean(macrophages.map { fscH[$0] / fscA[$0] }) - 0.85) < 0.01)
    }

    @Test("the sidecar sits beside its FCS file")
    func sidecarPath() {
        #expect(TruthSidecar.path(forFCS: "/d/P1_UT.fcs") == "/d/P1_UT.truth.csv")
        #expect(TruthSidecar.path(forFCS: "/d/P1_UT.FCS.gz") == "/d/P1_UT.truth.csv")
        #expect(TruthSidecar.path(forFCS: "tube") == "tube.truth.csv")
    }

    @Test("a bad sidecar is a typed error naming the file and the line")
    func badSidecars() {
        func failure(_ text: String, events: Int? = nil) -> TruthSidecarError? {
            do { _ = try TruthSidecar.read(Array(text.utf8), file: "x.truth.csv", events: events); return nil } catch {
                return error as? TruthSidecarError
            }
        }
        #expect(failure("event\nmacrophage\n")?.line == 1)
        #expect(failure("")?.line == 1)
        let unknown = failure("population\nmacrophage\nmonocyte\n")
        #expect(unknown?.line == 3)
        #expect(unknown?.description.contains("x.truth.csv:3") == true)
        #expect(failure("population\nmacrophage\n\ndead\n")?.line == 3)
        #expect(failure("population\nmacrophage\ndead\n", events: 3)?.message.contains("expected 3 events") == true)
        // CRLF and a missing final line end are read.
        #expect((try? TruthSidecar.read(Array("population\r\ndead\r\ndebris".utf8), file: "x", events: 2))?.populations == [.dead, .debris])
        // So is a UTF-8 byte-order mark, as a spreadsheet saving the file writes it.
        #expect((try? TruthSidecar.read([0xEF, 0xBB, 0xBF] + Array("population\ndead\n".utf8), file: "x"))?.populations == [.dead])
        // A folder is not a sidecar: the reading error names what was expected.
        #expect(throws: TruthSidecarError.self) { try TruthSidecar.read(path: NSTemporaryDirectory()) }
    }
}

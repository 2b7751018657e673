import Foundation
import Tables
import Testing
import TestSupport

/// `flowstudy demo` end to end on a small seed, checked against the generator's `truth.json` with tolerances set by
/// the sampling error at that size (docs/demo.md, "The end-to-end test"). The statistics the checks need (the
/// Hodges–Lehmann estimate, the exact signed-rank p) are written here, independently of the Statistics module.
///
/// Seed 7 was chosen (and must stay) so that the null markers' checks are meaningful: the truth's own per-patient
/// differences of CD86 and HLA-DR are far from significant at this seed (asserted below), so a significant T3 p
/// would come from the pipeline (e.g. ruxolitinib's extra dead cells leaking through the live gate), not from the
/// draw. Under the null a Wilcoxon exact p < 0.05 happens with probability 10/256 per readout at n = 8, so some seeds
/// do produce one by chance.
@Suite("flowstudy demo end to end", .serialized)
struct DemoEndToEndTests {
    static let seed = "7"
    static let size = ["--patients", "8", "--donors", "3", "--events", "5000", "--fmo-events", "2000", "--no-png", "--quiet"]

    /// Per-tube tolerance in sampling SDs (132 culture × marker readouts, two readouts each: a |z| above 5 happens by
    /// chance with probability 264 × 5.7e-7 ≈ 1.5e-4).
    static let tubeSDs = 5.0
    /// MFI allowance for the gate, relative to the true MFI: the gates let in a few non-macrophages (doublets
    /// slipping through the singlet gate, dead cells near the viability cut) and leave out a few macrophages
    /// at the scatter edges. A share ε of foreign events moves the gated distribution function at the median by at
    /// most ε/2, so the median by at most ε / (2·density): 1–1.5·ε of the MFI for the median tube (density·MFI 0.33;
    /// 0.11–0.52 for 80 % of the tubes). 1 % covers ε up to 0.7 %, more than the bias the checked seed shows (mean z
    /// −0.01 over 132 readouts, i.e. below 0.2 SD ≈ 0.5 % of the MFI). Where density·MFI is small (a median in a
    /// bimodal valley) the sampling term grows by the same factor and dominates.
    static let mfiGateAllowance = 0.01
    /// HL band half-width in per-pair SDs: every pair's difference moved by ±3 of its SDs (see `hlBand`).
    static let hlSDs = 3.0
    /// |HL log2 FC (measured) − HL log2 FC (truth)| for CCL18: the ELISA measures a concentration with ≈ 0.1 log2
    /// SD (well CV 3 % per replicate magnified 2–3× by the 4PL's slope, plus the plate's curve fit; UT and RUX sit
    /// side by side on one plate, so a curve error largely cancels in the ratio): a pair's log2 FC has SD ≤ 0.15,
    /// the HL of 8 pairs ≈ 0.06–0.08; 0.3 log2 (a ratio off by 23 %) is 4–5 of those SDs.
    static let ccl18HLTolerance = 0.3

    /// The outcome tables (docs/outcomes.md), beside footnotes.md and missing_results.csv.
    static let tables = ["T0_subjects.csv", "T1_primary_CCL18.csv", "T2_soluble_SSc.csv", "T3_markers_SSc.csv", "T4_soluble_HD_serum.csv",
                         "T5_markers_HD_serum.csv", "S4_per_patient_CCL18.csv", "T6_subgroups_CCL18_L.csv",
                         "T6_subgroups_CCL18_delta_sensitivity.csv"]

    /// The first run (and its folder) shared by the checks; the byte-identity check runs the second.
    static let first: Result<DemoFolder, any Error> = Result { try DemoFolder.run(extra: []) }

    @Test("the report: every table, footnotes, missing results and figure exist; every link of the index and subject pages resolves")
    func report() throws {
        let demo = try Self.first.get()
        let outcomes = demo.study + "/outcomes"
        // T0–T6, S4, footnotes, missing results (docs/outcomes.md); the markers tables hold 6 markers × 2 readouts.
        let rowsExpected: [String: Int?] = [
            "T0_subjects.csv": nil, "T1_primary_CCL18.csv": 1, "T2_soluble_SSc.csv": 4, "T3_markers_SSc.csv": 12, "T4_soluble_HD_serum.csv": 5,
            "T5_markers_HD_serum.csv": 12, "S4_per_patient_CCL18.csv": demo.patients.count, "T6_subgroups_CCL18_L.csv": nil,
            "T6_subgroups_CCL18_delta_sensitivity.csv": nil]
        #expect(Set(rowsExpected.keys) == Set(Self.tables), "the tables of docs/outcomes.md")
        for (name, rows) in rowsExpected {
            let table = try demo.table("outcomes/" + name)
            #expect(!table.isEmpty, "\(name) has rows")
            if let rows { #expect(table.count == rows, "\(name): \(table.count) rows") }
        }
        let footnotes = try InputFile.text(outcomes + "/footnotes.md")
        let headings = footnotes.split(separator: "\n").filter { $0.hasPrefix("## ") }
        for name in rowsExpected.keys where name != "T0_subjects.csv" {
            #expect(headings.contains { $0.contains(name) }, "footnotes for \(name)")
        }
        #expect(headings.contains("## Missing results"))
        // The demo writes every result the sheet expects: the missing results table is there, with its header only.
        let missing = try CSVTable(try InputFile.text(outcomes + "/missing_results.csv"))
        #expect(missing.header == ["sample_id", "readout", "reason"])
        #expect(missing.rows.isEmpty, "\(missing.rows)")

        // Figures F1–F6 (docs/report.md), each an SVG linked from the index.
        let index = outcomes + "/report/index.html"
        let indexText = try InputFile.text(index)
        for figure in ["F1_primary_CCL18", "F2_soluble_SSc", "F3_markers_SSc", "F4a_soluble_HD_serum", "F4b_markers_HD_serum",
                       "F5_forest_S4", "F6_L_vs_mRSS"] {
            let svg = try InputFile.text(outcomes + "/report/figures/\(figure).svg")
            #expect(svg.contains("<svg") && svg.contains("</svg>"), "\(figure).svg")
            #expect(indexText.contains("href=\"figures/\(figure).svg\""), "index links \(figure)")
        }
        // Links: every relative href/src of the index and of every subject page names an existing file, every
        // fragment an id of its page; every subject of the clinical sheet has a page linked from the index.
        var pages = [index]
        for subject in demo.subjects {
            #expect(indexText.contains("href=\"subjects/\(subject).html\""), "index links \(subject)")
            pages.append(outcomes + "/report/subjects/\(subject).html")
        }
        var checked = 0
        for page in pages {
            let problems = try Self.brokenLinks(in: page)
            #expect(problems.isEmpty, "\(page): \(problems.joined(separator: "; "))")
            checked += 1
        }
        #expect(checked == demo.subjects.count + 1)
        // What the command printed exists.
        for line in demo.stdout.split(separator: "\n") {
            for label in ["report:", "patient:", "gallery:"] where line.hasPrefix(label) {
                let path = line.dropFirst(label.count).trimmingCharacters(in: .whitespaces)
                #expect(FileManager.default.fileExists(atPath: path), "\(line)")
            }
        }
        #expect(demo.stdout.contains("report:  \(index)"), "\(demo.stdout)")
    }

    @Test("each culture tube's % positive, MFI and threshold are within 5 sampling SDs of the truth's readouts (+1 % of the MFI for the gate)")
    func tubes() throws {
        let demo = try Self.first.get()
        var zPercent: [Double] = [], zMFI: [Double] = [], zThreshold: [Double] = []
        for readout in demo.readouts {
            let measured = readout.measured, truth = readout.truth
            let percentSD = readout.percentSD, mfiSD = readout.mfiSD
            let percentZ = (measured.percent - truth.percentPositive) / percentSD
            let mfiTolerance = Self.tubeSDs * mfiSD + Self.mfiGateAllowance * truth.mfi
            #expect(abs(measured.percent - truth.percentPositive) <= Self.tubeSDs * percentSD,
                    "\(readout.sample) \(readout.marker): % positive \(measured.percent) vs \(truth.percentPositive) (z = \(percentZ))")
            #expect(abs(measured.mfi - truth.mfi) <= mfiTolerance,
                    "\(readout.sample) \(readout.marker): MFI \(measured.mfi) vs \(truth.mfi) (tolerance \(mfiTolerance))")
            // The threshold: the p99 of n_f FMO macrophages, SD √(0.0099/n_f) / fmo density.
            let thresholdSD = (0.0099 / Double(measured.fmoCount)).squareRoot() / truth.fmoDensityAtFmoP99
            #expect(abs(measured.threshold - truth.fmoP99) <= Self.tubeSDs * thresholdSD,
                    "\(readout.sample) \(readout.marker): threshold \(measured.threshold) vs \(truth.fmoP99)")
            zPercent.append(percentZ)
            zMFI.append((measured.mfi - truth.mfi) / mfiSD)
            zThreshold.append((measured.threshold - truth.fmoP99) / thresholdSD)
        }
        #expect(demo.readouts.count == demo.cultureTubes * 6, "every culture tube's six readouts are compared")
        // The errors behave as sampling errors: mean near 0, SD near 1 (a bias of the gates would show here first).
        for (name, z) in [("% positive", zPercent), ("MFI", zMFI), ("threshold", zThreshold)] {
            let mean = z.reduce(0, +) / Double(z.count)
            let sd = (z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(z.count - 1)).squareRoot()
            print("demo end to end: \(name) z over \(z.count) readouts: mean \(mean), SD \(sd), max |z| \(z.map(abs).max() ?? 0)")
            #expect(abs(mean) < 4 / Double(z.count).squareRoot(), "\(name): mean z \(mean)")
            #expect(sd > 0.7 && sd < 1.4, "\(name): SD of z \(sd)")
        }
    }

    @Test("per-patient effects: the HL estimates of the measured readouts are within the band of the truth's; T3 agrees with the hand-computed HL and exact p; the null markers are not significant")
    func perPatientEffects() throws {
        let demo = try Self.first.get()
        let t3 = try demo.table("outcomes/T3_markers_SSc.csv")
        for marker in DemoFolder.markers {
            for isMFI in [true, false] {
                // Per patient: truth and measured values, and the SD of the measured value per condition.
                var truthEffect: [Double] = [], measuredEffect: [Double] = [], measuredDelta: [Double] = [], truthDelta: [Double] = []
                var pairSD: [Double] = [], allowance: [Double] = []
                for patient in demo.patients {
                    let ut = try #require(demo.readout(patient + "_UT", marker)), rx = try #require(demo.readout(patient + "_RUX", marker))
                    if isMFI {
                        // L = log2(RUX / UT); the SD of log2 MFI is SD(MFI) / (MFI·ln 2), plus the gate allowance.
                        truthEffect.append(log2(rx.truth.mfi / ut.truth.mfi))
                        measuredEffect.append(log2(rx.measured.mfi / ut.measured.mfi))
                        measuredDelta.append(rx.measured.mfi - ut.measured.mfi)
                        truthDelta.append(rx.truth.mfi - ut.truth.mfi)
                        let sd = { (r: DemoFolder.Readout) in r.mfiSD / (r.truth.mfi * log(2)) }
                        pairSD.append((sd(ut) * sd(ut) + sd(rx) * sd(rx)).squareRoot())
                        allowance.append(2 * log2(1 + Self.mfiGateAllowance))
                    } else {
                        truthEffect.append(rx.truth.percentPositive - ut.truth.percentPositive)
                        measuredEffect.append(rx.measured.percent - ut.measured.percent)
                        measuredDelta.append(measuredEffect.last ?? .nan)
                        truthDelta.append(truthEffect.last ?? .nan)
                        pairSD.append((ut.percentSD * ut.percentSD + rx.percentSD * rx.percentSD).squareRoot())
                        allowance.append(0)
                    }
                }
                let label = "\(marker) \(isMFI ? "MFI" : "% positive")"
                let truthHL = Self.hodgesLehmann(truthEffect), measuredHL = Self.hodgesLehmann(measuredEffect)
                let band = Self.hlBand(truthEffect, sd: pairSD, by: Self.hlSDs, allowance: allowance)
                #expect(band.low <= measuredHL && measuredHL <= band.high, "\(label): HL \(measuredHL), truth \(truthHL), band \(band)")
                // The deviation in units of the band's HL-scale SD (the band at 1 SD, no allowance).
                let unit = Self.hlBand(truthEffect, sd: pairSD, by: 1, allowance: allowance.map { _ in 0 })
                let deviation = (measuredHL - truthHL) / (measuredHL >= truthHL ? unit.high - truthHL : truthHL - unit.low)
                print("demo end to end: \(label): HL truth \(truthHL), measured \(measuredHL), deviation \(deviation) pair SDs")

                // T3's row: the effect is the HL of L (MFI, as hl_log2) or of Δ (% positive); p is the Wilcoxon on Δ.
                let row = try #require(t3.first { $0["marker"] == marker && $0["readout"] == (isMFI ? "MFI" : "percent_positive") }, "\(label) in T3")
                let reported = try #require(Double(row[isMFI ? "hl_log2" : "effect"] ?? ""), "\(label) effect")
                #expect(abs(reported - measuredHL) <= 1e-9 * max(1, abs(measuredHL)), "\(label): T3 \(reported), hand-computed \(measuredHL)")
                let p = try #require(Double(row["p"] ?? ""), "\(label) p")
                if row["p_method"] == "exact", let exact = Self.exactSignedRankP(measuredDelta) {
                    #expect(abs(p - exact) <= 1e-12, "\(label): T3 p \(p), hand-computed \(exact)")
                }
                if DemoFolder.nullMarkers.contains(marker) {
                    // The precondition that makes the check meaningful at this seed, then the check.
                    let truthP = try #require(Self.exactSignedRankP(truthDelta))
                    #expect(truthP >= 0.05, "\(label): the seed's truth itself has p = \(truthP); choose another seed")
                    #expect(p >= 0.05, "\(label): T3 p = \(p) for a marker ruxolitinib does not change")
                } else {
                    // The designed effects are detected at n = 8: the null check has power.
                    #expect(p < 0.05, "\(label): T3 p = \(p) for a designed effect")
                }
            }
        }
    }

    @Test("CCL18 P1: the simulated decrease (HL log2 FC < 0, CI below 0, p < 0.05), within 0.3 log2 of the truth's HL")
    func primary() throws {
        let demo = try Self.first.get()
        let t1 = try #require(try demo.table("outcomes/T1_primary_CCL18.csv").first)
        let hl = try #require(Double(t1["hl_log2"] ?? "")), high = try #require(Double(t1["hl_log2_ci_high"] ?? ""))
        let p = try #require(Double(t1["p"] ?? ""))
        #expect(hl < 0 && high < 0 && p < 0.05, "T1: HL \(hl), CI high \(high), p \(p)")
        #expect(t1["n_pairs"] == String(demo.patients.count))
        let concentrations = try demo.selectedConcentrations()
        var truthL: [Double] = [], measuredL: [Double] = []
        for patient in demo.patients {
            let ut = try #require(demo.truthConcentration(patient + "_UT", "CCL18")), rx = try #require(demo.truthConcentration(patient + "_RUX", "CCL18"))
            truthL.append(log2(rx.neat / ut.neat))
            let measuredUT = try #require(Double(concentrations[patient + "_UT\u{1F}CCL18"]?["value_for_stats"] ?? ""))
            let measuredRX = try #require(Double(concentrations[patient + "_RUX\u{1F}CCL18"]?["value_for_stats"] ?? ""))
            measuredL.append(log2(measuredRX / measuredUT))
        }
        #expect(abs(Self.hodgesLehmann(measuredL) - hl) <= 1e-9, "T1 HL \(hl), hand-computed \(Self.hodgesLehmann(measuredL))")
        let truthHL = Self.hodgesLehmann(truthL)
        print("demo end to end: CCL18 HL log2 FC truth \(truthHL), measured \(hl)")
        #expect(truthHL < 0)
        #expect(abs(hl - truthHL) <= Self.ccl18HLTolerance, "CCL18 HL log2 FC \(hl), truth \(truthHL)")
    }

    @Test("below the LLOQ: every designed value is <LLOQ in concentrations.csv (truth below LLOQ·DF) and counted in T2")
    func belowLLOQ() throws {
        let demo = try Self.first.get()
        let concentrations = try demo.selectedConcentrations()
        var designed = 0
        for sample in demo.truth.samples {
            for value in sample.concentrations where value.design == "below_lloq" {
                designed += 1
                let row = try #require(concentrations[sample.sampleId + "\u{1F}" + value.analyte], "\(sample.sampleId) \(value.analyte)")
                #expect(row["status"] == "<LLOQ", "\(sample.sampleId) \(value.analyte): \(row["status"] ?? "")")
                #expect(!(row["value_for_stats"] ?? "").isEmpty, "a substituted value for statistics")
                // value_text is "<LLOQ·DF": the truth lies below it.
                let limit = try #require(Double((row["value_text"] ?? "").dropFirst()), "\(row["value_text"] ?? "")")
                #expect(value.neat < limit, "\(sample.sampleId) \(value.analyte): truth \(value.neat), LLOQ·DF \(limit)")
            }
        }
        #expect(designed >= 4, "the design places IL-6 and CXCL10 values below the LLOQ (SSC02, SSC03, SSC05)")
        // T1/T2: n_*_below_lloq count the <LLOQ values of the complete pairs, per side, designed ones included.
        let rows = try demo.table("outcomes/T2_soluble_SSc.csv") + demo.table("outcomes/T1_primary_CCL18.csv")
        for row in rows {
            let analyte = row["analyte"] ?? ""
            var counts = (ut: 0, rx: 0, pairs: 0), designedCounts = (ut: 0, rx: 0)
            for patient in demo.patients {
                guard let ut = concentrations[patient + "_UT\u{1F}" + analyte], let rx = concentrations[patient + "_RUX\u{1F}" + analyte],
                      !(ut["value_for_stats"] ?? "").isEmpty, !(rx["value_for_stats"] ?? "").isEmpty else { continue }
                counts.pairs += 1
                if ut["status"] == "<LLOQ" { counts.ut += 1 }
                if rx["status"] == "<LLOQ" { counts.rx += 1 }
                if demo.truthConcentration(patient + "_UT", analyte)?.design == "below_lloq" { designedCounts.ut += 1 }
                if demo.truthConcentration(patient + "_RUX", analyte)?.design == "below_lloq" { designedCounts.rx += 1 }
            }
            #expect(row["n_pairs"] == String(counts.pairs), "\(analyte) pairs")
            #expect(row["n_ut_below_lloq"] == String(counts.ut), "\(analyte): n_ut_below_lloq \(row["n_ut_below_lloq"] ?? "") vs \(counts.ut)")
            #expect(row["n_rx_below_lloq"] == String(counts.rx), "\(analyte): n_rx_below_lloq \(row["n_rx_below_lloq"] ?? "") vs \(counts.rx)")
            #expect(counts.ut >= designedCounts.ut && counts.rx >= designedCounts.rx, "\(analyte): designed values counted")
        }
    }

    @Test("a second run with the same seed into another folder writes byte-identical tables (gallery images reused, tables recomputed)")
    func sameSeedSameTables() throws {
        let demo = try Self.first.get()
        // The second folder starts with the first one's gallery only (its images are content-addressed by the
        // FCS bytes and the gates, so they are reused when the regenerated tubes are the same bytes): the data
        // and every table are written again, with another number of jobs.
        let folder = try TemporaryDirectory("flowstudy-demo-again")
        let second = folder.path("demo")
        try FileManager.default.createDirectory(atPath: second + "/study", withIntermediateDirectories: true)
        for name in [".flowstudy-demo", "study/review", "study/.flowstudy-output"] {
            try FileManager.default.copyItem(atPath: demo.folder + "/" + name, toPath: second + "/" + name)
        }
        let again = try DemoFolder.run(into: second, keeping: folder, extra: ["--jobs", "3"])
        #expect(again.stdout.contains(" 0 gate plots drawn"), "the gallery was reused: \(again.stdout)")
        let outcomes = try FileManager.default.contentsOfDirectory(atPath: demo.study + "/outcomes").filter { $0.hasSuffix(".csv") }.sorted()
        #expect(Set(outcomes) == Set(Self.tables + ["missing_results.csv", "TQ_elisa_plates.csv", "TQ_fcs_files.csv"]), "\(outcomes)")
        let compared = ["flow/markers.csv", "elisa/concentrations.csv", "outcomes/footnotes.md"] + outcomes.map { "outcomes/" + $0 }
        for name in compared {
            let a = try InputFile.bytes(demo.study + "/" + name), b = try InputFile.bytes(again.study + "/" + name)
            #expect(a == b, "\(name) differs between two runs with seed \(Self.seed)")
        }
        #expect(try InputFile.bytes(demo.folder + "/data/truth.json") == InputFile.bytes(again.folder + "/data/truth.json"))
    }

    // MARK: - Statistics written for the test

    /// Hodges–Lehmann one-sample estimate: the median of the Walsh averages (xᵢ + xⱼ)/2, i ≤ j.
    static func hodgesLehmann(_ x: [Double]) -> Double {
        var walsh: [Double] = []
        for i in x.indices { for j in i..<x.count { walsh.append((x[i] + x[j]) / 2) } }
        walsh.sort()
        let middle = walsh.count / 2
        return walsh.count % 2 == 1 ? walsh[middle] : (walsh[middle - 1] + walsh[middle]) / 2
    }

    /// The HL estimate is non-decreasing in every xᵢ (each Walsh average is, and so is their median), so moving
    /// each pair's truth by ±(k of its SDs + its allowance) bounds what the measured differences give when each
    /// errs by less than that. A pair with a huge SD (a tube whose median sits in the valley of a bimodal marker)
    /// only widens the band as far as the HL lets one pair move it.
    static func hlBand(_ x: [Double], sd: [Double], by k: Double, allowance: [Double]) -> (low: Double, high: Double) {
        let widths = zip(sd, allowance).map { k * $0 + $1 }
        return (hodgesLehmann(zip(x, widths).map { $0 - $1 }), hodgesLehmann(zip(x, widths).map { $0 + $1 }))
    }

    /// R's exact two-sided Wilcoxon signed-rank p (`2·min(P(V ≤ v), P(V ≥ v))`, at most 1) by enumerating the
    /// 2ⁿ sign patterns; nil when a difference is zero or two |differences| tie (R then uses the normal approximation).
    static func exactSignedRankP(_ d: [Double]) -> Double? {
        let n = d.count
        guard n > 0, n <= 20, !d.contains(0), Set(d.map(abs)).count == n else { return nil }
        let order = d.indices.sorted { abs(d[$0]) < abs(d[$1]) }
        var rank = [Int](repeating: 0, count: n)
        for (position, index) in order.enumerated() { rank[index] = position + 1 }
        let v = d.indices.filter { d[$0] > 0 }.map { rank[$0] }.reduce(0, +)
        var below = 0, above = 0
        for pattern in 0..<(1 << n) {
            var sum = 0
            for r in 1...n where pattern & (1 << (r - 1)) != 0 { sum += r }
            if sum <= v { below += 1 }
            if sum >= v { above += 1 }
        }
        return min(1, 2 * Double(min(below, above)) / Double(1 << n))
    }

    /// Relative links (`href`, `src`) of an HTML page that name no file, and fragments that name no id.
    static func brokenLinks(in page: String) throws -> [String] {
        let text = try InputFile.text(page)
        let folder = URL(fileURLWithPath: page).deletingLastPathComponent()
        let pattern = try NSRegularExpression(pattern: "(?:href|src)=\"([^\"]*)\"")
        var problems: [String] = []
        var targets: [String: String] = [:]
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range(at: 1), in: text) else { continue }
            let link = String(text[range]).replacingOccurrences(of: "&amp;", with: "&")
            if link.hasPrefix("data:") || link.contains("://") || link.hasPrefix("mailto:") { continue }
            let parts = link.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let file = parts[0].isEmpty ? page : folder.appendingPathComponent(parts[0].removingPercentEncoding ?? parts[0]).standardizedFileURL.path
            guard FileManager.default.fileExists(atPath: file) else { problems.append("\(link): no file"); continue }
            if parts.count == 2, !parts[1].isEmpty {
                if targets[file] == nil { targets[file] = try InputFile.text(file) }
                if targets[file]?.contains("id=\"\(parts[1])\"") != true { problems.append("\(link): no id \(parts[1])") }
            }
        }
        return problems
    }
}

/// One `flowstudy demo` run's folder, with its truth and results read.
struct DemoFolder: Sendable {
    static let markers = ["CD204", "CD206", "CD163", "CD86", "HLA-DR", "TLR4"]
    static let nullMarkers: Set<String> = ["CD86", "HLA-DR"]

    /// The parts of `truth.json` the checks use (docs/demo.md names every field).
    struct Truth: Decodable, Sendable {
        struct Concentration: Decodable, Sendable { var analyte: String; var neat: Double; var design: String }
        struct Sample: Decodable, Sendable {
            var sampleId: String, subjectId: String, arm: String, condition: String
            var concentrations: [Concentration]
        }
        struct Readout: Decodable, Sendable {
            var marker: String, mfi: Double, percentPositive: Double, fmoP99: Double
            var densityAtMfi: Double, densityAtFmoP99: Double, fmoDensityAtFmoP99: Double
        }
        struct Tube: Decodable, Sendable { var sampleId: String; var fmoMarker: String?; var readouts: [Readout]? }
        var samples: [Sample]
        var tubes: [Tube]
    }

    /// A culture tube's marker: the truth, what markers.csv reports, and the sampling SDs at its event counts.
    struct Readout: Sendable {
        struct Measured: Sendable { var n: Int, fmoCount: Int, mfi: Double, percent: Double, threshold: Double }
        var sample: String, marker: String
        var truth: Truth.Readout
        var measured: Measured

        /// SD of % positive: binomial on n gated macrophages, plus the threshold's sampling error from n_f FMO
        /// macrophages carried through the stained density (docs/demo.md).
        var percentSD: Double {
            let p = truth.percentPositive / 100, ratio = truth.densityAtFmoP99 / truth.fmoDensityAtFmoP99
            return 100 * (p * (1 - p) / Double(measured.n) + ratio * ratio * 0.0099 / Double(measured.fmoCount)).squareRoot()
        }
        /// SD of the median of n gated macrophages: 1 / (2·density·√n).
        var mfiSD: Double { 1 / (2 * truth.densityAtMfi * Double(measured.n).squareRoot()) }
    }

    var folder: String
    var stdout: String
    /// Keeps the temporary folder alive as long as the run is used.
    var owner: TemporaryDirectory
    var truth: Truth
    var readouts: [Readout]
    var cultureTubes: Int
    var patients: [String]
    var subjects: [String]

    var study: String { folder + "/study" }

    /// Runs the demo at the test's seed and size into a fresh temporary folder, kept until the test process exits
    /// (the run is shared through a static).
    static func run(extra: [String]) throws -> DemoFolder {
        let owner = try TemporaryDirectory.forProcess("flowstudy-demo-e2e")
        return try run(into: owner.path("demo"), keeping: owner, extra: extra)
    }

    static func run(into folder: String, keeping owner: TemporaryDirectory, extra: [String]) throws -> DemoFolder {
        let flowstudy = try #require(flowstudyExecutable(), "the flowstudy executable is built by swift test")
        let result = TestSupport.run(flowstudy, ["demo", "--out", folder, "--seed", DemoEndToEndTests.seed] + DemoEndToEndTests.size + extra)
        try #require(result.status == 0, "flowstudy demo: \(result.stderr)")
        let truth = try JSONDecoder.snakeCase.decode(Truth.self, from: Data(try InputFile.bytes(folder + "/data/truth.json")))
        var demo = DemoFolder(folder: folder, stdout: result.stdout, owner: owner, truth: truth, readouts: [], cultureTubes: 0, patients: [], subjects: [])
        demo.patients = Set(truth.samples.filter { $0.arm == "SSC_MDM" }.map(\.subjectId)).sorted()
        demo.subjects = try demo.table("../data/clinical.csv").compactMap { $0["subject_id"] }
        let markers = try demo.table("flow/markers.csv").filter { $0["population"] == "macrophages" }
        let counts = Dictionary(try demo.table("flow/populations.csv").filter { $0["population"] == "macrophages" }
                                    .map { ($0["sample_id"] ?? "", Int($0["count"] ?? "") ?? 0) }, uniquingKeysWith: { a, _ in a })
        let rows = Dictionary(markers.map { (($0["sample_id"] ?? "") + "\u{1F}" + ($0["marker"] ?? ""), $0) }, uniquingKeysWith: { a, _ in a })
        for tube in truth.tubes {
            guard let readouts = tube.readouts else { continue }
            demo.cultureTubes += 1
            for truthReadout in readouts {
                let row = try #require(rows[tube.sampleId + "\u{1F}" + truthReadout.marker], "\(tube.sampleId) \(truthReadout.marker) in markers.csv")
                let fmo = tube.sampleId + "_FMO_" + truthReadout.marker.replacingOccurrences(of: "-", with: "")
                #expect(row["control_sample_id"] == fmo, "\(tube.sampleId) \(truthReadout.marker): control \(row["control_sample_id"] ?? "")")
                let measured = Readout.Measured(n: try #require(Int(row["n_events"] ?? "")), fmoCount: try #require(counts[fmo]),
                                                mfi: try #require(Double(row["mfi"] ?? "")), percent: try #require(Double(row["percent_positive"] ?? "")),
                                                threshold: try #require(Double(row["threshold"] ?? "")))
                demo.readouts.append(Readout(sample: tube.sampleId, marker: truthReadout.marker, truth: truthReadout, measured: measured))
            }
        }
        return demo
    }

    func readout(_ sample: String, _ marker: String) -> Readout? { readouts.first { $0.sample == sample && $0.marker == marker } }

    func truthConcentration(_ sample: String, _ analyte: String) -> Truth.Concentration? {
        truth.samples.first { $0.sampleId == sample }?.concentrations.first { $0.analyte == analyte }
    }

    /// A CSV of the study folder (or, with `../data/`, of the generated data) as rows keyed by column name.
    func table(_ relative: String) throws -> [[String: String]] {
        let table = try CSVTable(try InputFile.text(study + "/" + relative))
        return table.rows.map { Dictionary(zip(table.header, $0), uniquingKeysWith: { a, _ in a }) }
    }

    /// The selected sample rows of concentrations.csv by sample id and analyte (joined by U+001F).
    func selectedConcentrations() throws -> [String: [String: String]] {
        let rows = try table("elisa/concentrations.csv").filter { $0["role"] == "sample" && $0["selected"] == "true" }
        return Dictionary(rows.map { (($0["sample_id"] ?? "") + "\u{1F}" + ($0["analyte"] ?? ""), $0) }, uniquingKeysWith: { a, _ in a })
    }
}

extension JSONDecoder {
    /// A decoder for FlowStudy's snake_case JSON.
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

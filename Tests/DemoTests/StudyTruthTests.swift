import Compensation
import Demo
import ELISA
import FCS
import Foundation
import Simulation
import Tables
import Testing
import TestSupport

@Suite("Demo study truth")
struct StudyTruthTests {
    /// truth.json's samples: sample id → analyte → (neat, design).
    func trueConcentrations() throws -> [String: [String: (neat: Double, design: String)]] {
        let data = try InputFile.bytes(try SmallStudy.folder() + "/truth.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(data)) as? [String: Any])
        var truth: [String: [String: (Double, String)]] = [:]
        for sample in try #require(object["samples"] as? [[String: Any]]) {
            let id = try #require(sample["sample_id"] as? String)
            for concentration in try #require(sample["concentrations"] as? [[String: Any]]) {
                truth[id, default: [:]][try #require(concentration["analyte"] as? String)] =
                    (try #require(concentration["neat"] as? Double), try #require(concentration["design"] as? String))
            }
        }
        return truth
    }

    /// Every plate, read back from its file and analysed with FlowStudy's defaults (4PL, unweighted, blank
    /// subtracted), gives each in-range sample's true concentration back within its tolerance.
    ///
    /// Tolerance on |ln(estimate / truth)|, per sample: 5 × the SD that the sample's own OD noise gives it, plus
    /// 0.08 for the fitted curve's departure from the true one. The OD noise of the mean of two wells is
    /// √(((CV·y)² + SD² [+ plastic SD² for single-wavelength SkanIt]) / 2), and the blank mean adds its own; it maps
    /// onto ln x through the true 4PL's slope, d ln x / dy = (1 + u)² / ((d − a)·b·u) with u = (x/c)^b. The fitted
    /// curve comes from 7–8 duplicate levels with the same noise, which the acceptance rule keeps within a few
    /// per cent of the truth over the range (recoveries of the passing levels are within 80–120 %, typically 2–5 %).
    @Test("PlateAnalysis of every plate gives back the true concentrations; designed <LLOQ and HIGH_CV values come out as designed")
    func elisaRecoversTruth() throws {
        let folder = try SmallStudy.folder()
        let truth = try trueConcentrations()
        let model = ELISAModel()
        var checked = 0, highCV: [String] = [], errors: [Double] = []
        for run in try SmallStudy.records("elisa/runs.csv") {
            let file = folder + "/elisa/" + (run["plate_file"] ?? "")
            var read = try #require(try PlateRead.read(contentsOf: file).first)
            read.name = run["plate"] ?? ""
            let layout = try PlateLayout.csv(try InputFile.text(folder + "/elisa/" + (run["layout"] ?? "")), file: "layout")
            let analyte = run["analyte"] ?? ""
            let analysis = try PlateAnalysis(read: read, layout: layout, analyte: analyte)
            #expect(analysis.curveAccepted, "\(read.name)")
            let assay = try #require(model.assays.first { $0.analyte == analyte })
            let fit = analysis.fit.parameters
            let singleWavelength = read.wavelengths.reference == nil
            for result in analysis.samples {
                let (neat, design) = try #require(truth[result.sampleID]?[analyte])
                if result.flags.contains("HIGH_CV") { highCV.append("\(analyte) \(result.sampleID)") }
                if design == "below_lloq" { #expect(result.status == "<LLOQ", "\(analyte) \(result.sampleID) \(result.status)") }
                guard result.status == "OK", result.selected, !result.flags.contains("HIGH_CV"), let value = result.value else { continue }
                let x = neat / result.dilution
                let u = pow(x / fit.c, fit.b)
                let y = fit.d + (fit.a - fit.d) / (1 + u)
                let plastic = singleWavelength ? model.plasticSD * model.plasticSD : 0
                let wellVariance = pow(model.wellCV * y, 2) + model.wellSD * model.wellSD + plastic
                let blankVariance = (pow(model.wellCV * fit.a, 2) + model.wellSD * model.wellSD + plastic) / 2
                let odSD = (wellVariance / 2 + blankVariance).squareRoot()
                let logSD = odSD * (1 + u) * (1 + u) / ((fit.d - fit.a) * fit.b * u)
                let error = abs(log(value / neat))
                #expect(error <= 5 * logSD + 0.08, "\(analyte) \(result.sampleID): \(value) vs true \(neat) (SD of ln \(logSD))")
                errors.append(error)
                checked += 1
                _ = assay
            }
        }
        #expect(checked > 80)
        #expect(highCV == ["CXCL4 SSC01_UT"])
        let sorted = errors.sorted()
        #expect(sorted[sorted.count / 2] < 0.05, "median |ln error| \(sorted[sorted.count / 2])")
    }

    @Test("CCL18 falls more under ruxolitinib in diffuse than in limited SSc, in the truth")
    func ccl18Design() throws {
        let truth = try trueConcentrations()
        let clinical = try SmallStudy.records("clinical.csv").filter { $0["group"] == "SSc" }
        func meanLogRatio(_ subset: String) throws -> Double {
            let ids = clinical.filter { $0["ssc_subset"] == subset }.compactMap { $0["subject_id"] }
            let logs = try ids.map { id in log(try #require(truth[id + "_RUX"]?["CCL18"]?.neat) / (try #require(truth[id + "_UT"]?["CCL18"]?.neat))) }
            return logs.reduce(0, +) / Double(logs.count)
        }
        #expect(try meanLogRatio("diffuse") < meanLogRatio("limited") - 0.3)
        #expect(try meanLogRatio("limited") < 0)
    }

    /// The truth's % positive and MFI against a Monte-Carlo estimate from the simulator itself: 200,000
    /// macrophages in the stained tube and in its FMO tube, compensated with FlowStudy's Compensator, the FMO's
    /// type-7 99th percentile as threshold. Sampling SD of the share above an estimated threshold:
    /// √(p(1−p)/n + (f_s(t)/f_f(t))²·0.99·0.01/n) (f = densities); of the median 1/(2 f(m) √n). Allowed: 4 SD.
    @Test("per-tube truth (% positive above the FMO p99, MFI) agrees with a large Monte-Carlo sample of the simulator")
    func truthAgreesWithMonteCarlo() throws {
        let design = try StudyGenerator(settings: SmallStudy.settings).design()
        let n = 200_000
        for cultureIndex in [0, 1] {
            var culture = design.cultures[cultureIndex].simulator
            culture.populationShares = [0, 0, 0, 0, 1]
            culture.events = n
            let readouts = StudyGenerator.readouts(culture)
            for marker in ["CD206", "TLR4"] {
                let detector = try #require(Panel.fluorescence.firstIndex { $0.marker == marker })
                func values(seed: UInt64, fmo: String?) throws -> [Double] {
                    var simulator = culture
                    simulator.seed = seed
                    simulator.fmoMarker = fmo
                    let sample = try simulator.simulate().sample
                    let matrix = try SpilloverMatrix(try #require(try sample.spillover()), source: "$SPILLOVER")
                    return try Compensator(matrix: matrix, sample: sample).compensate(sample, fluorochromes: [detector])[0]
                }
                let stained = try values(seed: 1_000 + UInt64(cultureIndex), fmo: nil)
                let fmo = try values(seed: 2_000 + UInt64(cultureIndex), fmo: marker).sorted()
                let h = 0.99 * Double(n - 1)
                let threshold = fmo[Int(h)] + (h - h.rounded(.down)) * (fmo[Int(h) + 1] - fmo[Int(h)])
                let share = Double(stained.filter { $0 > threshold }.count) / Double(n)
                let median = stained.sorted()[n / 2]
                let readout = try #require(readouts.first { $0.marker == marker })
                let distribution = try #require(culture.markerDistribution(marker))
                let p = readout.percentPositive / 100
                let densityRatio = distribution.density(readout.fmoP99) / distribution.unstained.density(readout.fmoP99)
                let shareSD = (p * (1 - p) / Double(n) + densityRatio * densityRatio * 0.0099 / Double(n)).squareRoot()
                #expect(abs(share - p) < 4 * shareSD, "\(marker): Monte Carlo \(share) vs truth \(p) (SD \(shareSD))")
                let medianSD = 1 / (2 * distribution.density(readout.mfi) * Double(n).squareRoot())
                #expect(abs(median - readout.mfi) < 4 * medianSD, "\(marker): Monte Carlo median \(median) vs truth \(readout.mfi) (SD \(medianSD))")
                let thresholdSD = (0.0099 / Double(n)).squareRoot() / distribution.unstained.density(readout.fmoP99)
                #expect(abs(threshold - readout.fmoP99) < 4 * thresholdSD, "\(marker): FMO p99 \(threshold) vs \(readout.fmoP99)")
            }
        }
    }
}

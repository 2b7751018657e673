import Foundation
/// The demo's ELISA assays: the R&D Systems DuoSet-like standard series, the 4PL each plate's curve varies
/// around, the supernatant dilutions, the untreated concentrations and the treatment ratios. Recorded in
/// `truth.json`.
public struct ELISAModel: Codable, Sendable {
    /// One analyte.
    public struct Assay: Codable, Sendable {
        /// Analyte name (`CCL18`, `PDGF-BB`…).
        public var analyte: String
        /// Top standard (pg/mL, in the well); the series halves from it.
        public var top: Double
        /// Standard levels (7 or 8), in duplicate; plus two blank (zero standard) wells.
        public var levels: Int
        /// Dilution factors each sample is run at (one or two).
        public var dilutions: [Double]
        /// The 4PL of corrected OD against in-well concentration (a = the zero standard's OD).
        public var a: Double, b: Double, c: Double, d: Double
        /// Untreated SSc MDM: geometric median (pg/mL, neat) and log-scale SD across patients.
        public var untreatedMedian: Double, untreatedSD: Double
        /// Healthy-donor MDM in SSc serum (SERUM): geometric median.
        public var serumMedian: Double
        /// Treated / untreated, geometric mean, in diffuse SSc, limited SSc and the healthy-donor arm.
        public var ratioDiffuse: Double, ratioLimited: Double, ratioHealthy: Double
        /// Log-scale SD of the ratio across units.
        public var ratioSD: Double

        /// The plate id stem: the analyte without `-` (`PDGFBB`).
        public var plateStem: String { analyte.replacingOccurrences(of: "-", with: "") }
        /// The standard concentrations, top first.
        public var standards: [Double] { (0..<levels).map { top / Double(1 << $0) } }
    }

    /// The five analytes of P1 and S1.
    public var assays: [Assay] = [
        Assay(analyte: "CCL18", top: 1_000, levels: 7, dilutions: [20, 100], a: 0.05, b: 1.15, c: 220, d: 3.1,
              untreatedMedian: 12_000, untreatedSD: 0.4, serumMedian: 8_000, ratioDiffuse: 0.35, ratioLimited: 0.70, ratioHealthy: 0.50, ratioSD: 0.15),
        Assay(analyte: "PDGF-BB", top: 1_000, levels: 7, dilutions: [2], a: 0.06, b: 1.3, c: 250, d: 3.2,
              untreatedMedian: 250, untreatedSD: 0.3, serumMedian: 320, ratioDiffuse: 0.95, ratioLimited: 0.95, ratioHealthy: 0.95, ratioSD: 0.12),
        Assay(analyte: "IL-6", top: 600, levels: 8, dilutions: [2], a: 0.04, b: 1.1, c: 120, d: 2.9,
              untreatedMedian: 70, untreatedSD: 0.6, serumMedian: 50, ratioDiffuse: 0.40, ratioLimited: 0.40, ratioHealthy: 0.40, ratioSD: 0.2),
        Assay(analyte: "CXCL10", top: 2_000, levels: 7, dilutions: [5], a: 0.05, b: 1.0, c: 400, d: 3.0,
              untreatedMedian: 1_500, untreatedSD: 0.6, serumMedian: 1_100, ratioDiffuse: 0.30, ratioLimited: 0.30, ratioHealthy: 0.30, ratioSD: 0.2),
        Assay(analyte: "CXCL4", top: 1_000, levels: 8, dilutions: [2], a: 0.07, b: 1.2, c: 180, d: 2.8,
              untreatedMedian: 500, untreatedSD: 0.3, serumMedian: 900, ratioDiffuse: 0.80, ratioLimited: 0.80, ratioHealthy: 0.80, ratioSD: 0.12),
    ]
    /// Plate-to-plate variation of the curve: log-scale SDs of b, c and d, and the SD of a.
    public var plateLogBSD = 0.03, plateLogCSD = 0.08, plateLogDSD = 0.05, plateASD = 0.005
    /// Well noise: proportional CV and additive SD of the corrected OD.
    public var wellCV = 0.03, wellSD = 0.004
    /// The plate's own absorbance (read at 570 nm): mean and SD per well.
    public var plasticOD = 0.040, plasticSD = 0.003
    /// The pipetting error of the one high-CV replicate: its OD is multiplied by this.
    public var pipettingError = 1.45

    /// The model with the documented defaults.
    public init() {}
}

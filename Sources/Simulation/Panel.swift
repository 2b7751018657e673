/// The study's flow panel for monocyte-derived macrophages, as `../shared/perf/` defines it: four scatter
/// parameters, Time, and nine fluorescence detectors in spectral order (neighbours spill into each other).
public enum Panel {
    /// Scatter parameters ($PnN).
    public static let scatter = ["FSC-A", "FSC-H", "SSC-A", "SSC-H"]
    /// Fluorescence detectors ($PnN) and the marker each carries ($PnS).
    public static let fluorescence: [(detector: String, marker: String)] = [
        ("BV421-A", "CD14"), ("BV510-A", "CD86"), ("FITC-A", "CD206"), ("PE-A", "CD163"),
        ("PerCP-Cy5.5-A", "CD45"), ("PE-Cy7-A", "CD204"), ("APC-A", "TLR4"), ("AF700-A", "HLA-DR"),
        ("Zombie NIR-A", "Viability"),
    ]
    /// All parameter names in file order.
    public static var parameterNames: [String] { scatter + ["Time"] + fluorescence.map(\.detector) }
    /// The six readout markers of the study.
    public static let readoutMarkers = ["CD204", "CD206", "CD163", "CD86", "HLA-DR", "TLR4"]
    /// Top of the scatter and fluorescence scale (18-bit, as most digital cytometers).
    public static let maximum = 262_143.0

    /// The spillover matrix applied to the true signal: row = dye, column = detector. Each dye spills 5–30 % into
    /// the next detector, a little into the one after, and a little back into the previous one.
    public static let spillover: [[Double]] = {
        let next = [0.12, 0.22, 0.30, 0.18, 0.25, 0.08, 0.27, 0.15]
        let nextButOne = [0.02, 0.04, 0.05, 0.03, 0.04, 0.01, 0.05]
        let previous = [0.03, 0.01, 0.06, 0.04, 0.02, 0.05, 0.03, 0.07]
        let n = fluorescence.count
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n { matrix[i][i] = 1 }
        for i in 0..<(n - 1) {
            matrix[i][i + 1] = next[i]
            matrix[i + 1][i] = previous[i]
        }
        for i in 0..<(n - 2) { matrix[i][i + 2] = nextButOne[i] }
        return matrix
    }()
}

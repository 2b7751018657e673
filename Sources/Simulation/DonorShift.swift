import Foundation

/// How one donor's (or one run's) tube departs from the simulator's defaults: the shifts that make a template with
/// fixed coordinates fail while the cells stay the same cells. No shift by default.
///
/// Each shift multiplies values the simulator has already drawn, so a shifted tube holds the same random draws as
/// the unshifted tube of the same seed (and, with ``none``, the same bytes):
/// - ``scatterDrift``: FSC-A, FSC-H, SSC-A and SSC-H of every event × (1 + drift) (`0.15` is a 15 % drift up,
///   `-0.15` down; heights follow their areas, so the height/area ratios do not move).
/// - ``markerShifts``: a marker's stained component × 10^decades wherever the dye stains (macrophages, the
///   macrophages in doublets and dead cells, the lymphocytes' CD45 and HLA-DR); autofluorescence and noise stay.
/// - ``deadPeakShift``: the dead cells' viability-dye peak × 10^decades.
public struct DonorShift: Equatable, Sendable {
    /// Relative drift of the four scatter parameters (0 = none; greater than −1).
    public var scatterDrift: Double
    /// Decades by which each marker's stain moves (`["CD14": -0.5]` is half a decade lower); panel markers other
    /// than the viability dye (see ``deadPeakShift``), matched ignoring case.
    public var markerShifts: [String: Double]
    /// Decades by which the dead cells' viability-dye peak moves.
    public var deadPeakShift: Double

    /// Creates a shift.
    public init(scatterDrift: Double = 0, markerShifts: [String: Double] = [:], deadPeakShift: Double = 0) {
        self.scatterDrift = scatterDrift
        self.markerShifts = markerShifts
        self.deadPeakShift = deadPeakShift
    }

    /// No shift: the simulator's defaults.
    public static let none = DonorShift()

    /// The shifted donor of the data-driven gating issue: CD14 and CD45 half a decade lower, the dead-cell peak
    /// 0.3 decade higher, and the scatter drifted by `scatterDrift` (±0.15 in the issue).
    public static func lowMyeloidDonor(scatterDrift: Double) -> DonorShift {
        DonorShift(scatterDrift: scatterDrift, markerShifts: ["CD14": -0.5, "CD45": -0.5], deadPeakShift: 0.3)
    }

    /// Whether nothing is shifted.
    public var isNone: Bool { scatterDrift == 0 && deadPeakShift == 0 && markerShifts.values.allSatisfy { $0 == 0 } }

    /// Checks the settings: finite numbers, a drift above −1 (scatter stays positive), shifts of at most 3
    /// decades either way, and markers of the panel other than the viability dye.
    func validate() throws {
        guard scatterDrift.isFinite, scatterDrift > -1 else {
            throw MacrophageSimulator.SettingsError(description: "scatter drift must be a number above -1 (e.g. 0.15 or -0.15), not \(scatterDrift)")
        }
        guard deadPeakShift.isFinite, abs(deadPeakShift) <= 3 else {
            throw MacrophageSimulator.SettingsError(description: "dead-cell peak shift must be between -3 and 3 decades, not \(deadPeakShift)")
        }
        let stained = Panel.fluorescence.dropLast().map { $0.marker.lowercased() }
        for (marker, decades) in markerShifts.sorted(by: { $0.key < $1.key }) {
            guard stained.contains(marker.lowercased()) else {
                throw MacrophageSimulator.SettingsError(description: "marker shift \(marker): expected one of \(Panel.fluorescence.dropLast().map(\.marker).joined(separator: ", ")) (the viability dye's dead-cell peak has its own shift)")
            }
            guard decades.isFinite, abs(decades) <= 3 else {
                throw MacrophageSimulator.SettingsError(description: "marker shift \(marker): expected between -3 and 3 decades, not \(decades)")
            }
        }
    }

    /// The factor on each dye's stain, in ``Panel/fluorescence`` order (1 for the viability dye).
    var stainFactors: [Double] {
        Panel.fluorescence.map { dye in
            let decades = markerShifts.first { $0.key.lowercased() == dye.marker.lowercased() }?.value ?? 0
            return pow(10, decades)
        }
    }

    /// The keywords recording the shift in the file (none when nothing is shifted, so unshifted files keep their bytes).
    var keywords: [(String, String)] {
        var keywords: [(String, String)] = []
        if scatterDrift != 0 { keywords.append(("FLOWSTUDY SCATTER DRIFT", "\(scatterDrift)")) }
        let markers = markerShifts.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !markers.isEmpty { keywords.append(("FLOWSTUDY MARKER SHIFTS", markers.map { "\($0.key)=\($0.value)" }.joined(separator: ","))) }
        if deadPeakShift != 0 { keywords.append(("FLOWSTUDY DEAD PEAK SHIFT", "\(deadPeakShift)")) }
        return keywords
    }
}

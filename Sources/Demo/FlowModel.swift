import Foundation
import Simulation

/// How the demo's MDM cultures express the panel: a baseline, each donor's random effects, ruxolitinib's and SSc
/// serum's effects, and culture noise. Every number here is recorded in `truth.json`.
public struct FlowModel: Codable, Sendable {
    /// A marker's expression on macrophages (the baseline, or one culture's in `truth.json`): share positive,
    /// positive median, log-scale spread.
    public struct Marker: Codable, Sendable {
        /// Marker name as in ``Panel/fluorescence``.
        public var marker: String
        /// Share of macrophages positive.
        public var fractionPositive: Double
        /// Median of positive cells.
        public var positiveMedian: Double
        /// Spread of positive cells (natural log).
        public var sigma: Double
    }

    /// A treatment's effect on one marker: added to the positive share, multiplying the positive median.
    public struct Effect: Codable, Sendable {
        /// Marker name.
        public var marker: String
        /// Added to the share positive (after the donor's effects).
        public var fractionDelta: Double
        /// Multiplies the positive median.
        public var medianMultiplier: Double
    }

    /// Baseline expression on untreated SSc MDM.
    public var baseline: [Marker] = [
        Marker(marker: "CD14", fractionPositive: 1.00, positiveMedian: 12_000, sigma: 0.45),
        Marker(marker: "CD86", fractionPositive: 0.45, positiveMedian: 6_000, sigma: 0.55),
        Marker(marker: "CD206", fractionPositive: 0.60, positiveMedian: 9_000, sigma: 0.60),
        Marker(marker: "CD163", fractionPositive: 0.68, positiveMedian: 7_000, sigma: 0.50),
        Marker(marker: "CD45", fractionPositive: 1.00, positiveMedian: 15_000, sigma: 0.40),
        Marker(marker: "CD204", fractionPositive: 0.72, positiveMedian: 5_000, sigma: 0.55),
        Marker(marker: "TLR4", fractionPositive: 0.45, positiveMedian: 3_000, sigma: 0.50),
        Marker(marker: "HLA-DR", fractionPositive: 0.82, positiveMedian: 20_000, sigma: 0.60),
    ]
    /// Ruxolitinib (RUX vs UT, SERUM_RUX vs SERUM): M2 markers and TLR4 fall; CD86 and HLA-DR do not move.
    public var ruxolitinib: [Effect] = [
        Effect(marker: "CD206", fractionDelta: -0.18, medianMultiplier: 0.65),
        Effect(marker: "CD163", fractionDelta: -0.15, medianMultiplier: 0.70),
        Effect(marker: "CD204", fractionDelta: -0.10, medianMultiplier: 0.80),
        Effect(marker: "TLR4", fractionDelta: -0.08, medianMultiplier: 0.85),
        Effect(marker: "CD86", fractionDelta: 0, medianMultiplier: 1),
        Effect(marker: "HLA-DR", fractionDelta: 0, medianMultiplier: 1),
    ]
    /// Healthy-donor MDM in SSc serum relative to the SSc baseline (a milder M2 shift).
    public var healthyInSerum: [Effect] = [
        Effect(marker: "CD206", fractionDelta: -0.06, medianMultiplier: 0.90),
        Effect(marker: "CD163", fractionDelta: -0.05, medianMultiplier: 0.90),
        Effect(marker: "CD204", fractionDelta: -0.03, medianMultiplier: 0.95),
    ]
    /// Donor effects: SD of the logit of the share positive, of the log positive median, of the log autofluorescence.
    public var donorLogitSD = 0.35, donorLogMedianSD = 0.25, donorLogAutofluorescenceSD = 0.15
    /// Culture noise (each culture apart): SD of the logit share and of the log median.
    public var cultureLogitSD = 0.08, cultureLogMedianSD = 0.05
    /// Dead cells: a donor's share of all events (mean, SD, clipped to 0.03–0.16), plus this under ruxolitinib.
    public var deadShareMean = 0.08, deadShareSD = 0.02, ruxolitinibDeadIncrease = 0.04
    /// Debris, doublets and lymphocytes as shares of all events (macrophages are the rest).
    public var debrisShare = 0.08, doubletShare = 0.06, lymphocyteShare = 0.08
    /// Median autofluorescence of a macrophage before the donor's factor, and the detector noise SD.
    public var autofluorescence = 250.0, noise = 120.0

    /// The model with the documented defaults.
    public init() {}

    /// The simulator settings of both cultures of one subject: untreated and treated, with the donor's effects
    /// (`serum` true for healthy-donor MDM in SSc serum). Events and seeds are set per tube later.
    func cultures(serum: Bool, random: inout RandomSource) -> (untreated: MacrophageSimulator, treated: MacrophageSimulator) {
        let autofluorescence = self.autofluorescence * exp(random.normal() * donorLogAutofluorescenceSD)
        let dead = min(max(random.normal(mean: deadShareMean, sd: deadShareSD), 0.03), 0.16)
        let donor = baseline.map { _ in (logit: random.normal() * donorLogitSD, logMedian: random.normal() * donorLogMedianSD) }
        func culture(treated: Bool) -> MacrophageSimulator {
            var simulator = MacrophageSimulator(events: 0, seed: 0)
            simulator.autofluorescence = autofluorescence
            simulator.noise = noise
            let deadShare = dead + (treated ? ruxolitinibDeadIncrease : 0)
            simulator.populationShares = [debrisShare, doubletShare, deadShare, lymphocyteShare,
                                          1 - debrisShare - doubletShare - deadShare - lymphocyteShare]
            for (marker, effect) in zip(baseline, donor) {
                var fraction = marker.fractionPositive, median = marker.positiveMedian
                if serum, let shift = healthyInSerum.first(where: { $0.marker == marker.marker }) {
                    fraction += shift.fractionDelta
                    median *= shift.medianMultiplier
                }
                let logitNoise = random.normal() * cultureLogitSD, medianNoise = random.normal() * cultureLogMedianSD
                if fraction < 1 { fraction = logistic(logit(fraction) + effect.logit + logitNoise) }
                median *= exp(effect.logMedian + medianNoise)
                if treated, let rux = ruxolitinib.first(where: { $0.marker == marker.marker }) {
                    fraction = min(max(fraction + rux.fractionDelta, 0.02), 0.98)
                    median *= rux.medianMultiplier
                }
                simulator.expression[marker.marker] = MacrophageSimulator.Expression(fractionPositive: fraction, positiveMedian: median, sigma: marker.sigma)
            }
            return simulator
        }
        return (culture(treated: false), culture(treated: true))
    }
}

private func logit(_ p: Double) -> Double { log(p / (1 - p)) }
private func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

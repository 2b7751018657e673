import Foundation
import FCS

/// Simulates a monocyte-derived-macrophage (MDM) tube on the study panel: debris, macrophage doublets, dead
/// cells, contaminating lymphocytes and macrophages with uni- and bimodal marker expression, with the panel's
/// spillover applied to the true signal and stored in `$SPILLOVER`. The same settings give the same events.
///
/// An FMO (fluorescence-minus-one) tube leaves one marker unstained: its detector then sees only
/// autofluorescence, spillover from the other dyes and noise, which is what FMO-derived thresholds rely on.
public struct MacrophageSimulator: Sendable {
    /// The kinds of event the simulator makes, with their labels in ``SimulatedSample/populations``.
    public enum Population: UInt8, CaseIterable, Sendable {
        case debris = 0, doublet, dead, lymphocyte, macrophage

        /// The population's name in the truth sidecar (``TruthSidecar``): `debris`, `doublet`, `dead`,
        /// `lymphocyte` or `macrophage`.
        public var name: String {
            switch self {
            case .debris: "debris"
            case .doublet: "doublet"
            case .dead: "dead"
            case .lymphocyte: "lymphocyte"
            case .macrophage: "macrophage"
            }
        }
    }

    /// How one marker is expressed on macrophages: a share of positive cells, log-normal above autofluorescence.
    public struct Expression: Equatable, Sendable {
        /// Fraction of macrophages expressing the marker.
        public var fractionPositive: Double
        /// Median signal of positive cells (true fluorescence units).
        public var positiveMedian: Double
        /// Spread of positive cells on the natural-log scale.
        public var sigma: Double
        /// Creates an expression profile.
        public init(fractionPositive: Double, positiveMedian: Double, sigma: Double) {
            self.fractionPositive = fractionPositive
            self.positiveMedian = positiveMedian
            self.sigma = sigma
        }
    }

    /// Number of events.
    public var events: Int
    /// Seed of the random source.
    public var seed: UInt64
    /// The marker left unstained (an FMO tube), if any; matched to ``Panel/fluorescence`` markers.
    public var fmoMarker: String?
    /// Share of each population, in ``Population`` order (debris, doublets, dead, lymphocytes, macrophages).
    public var populationShares: [Double] = [0.08, 0.07, 0.10, 0.10, 0.65]
    /// Expression of each marker on macrophages (the defaults match `../shared/perf/gen_synthetic.py`).
    public var expression: [String: Expression] = [
        "CD14": Expression(fractionPositive: 1.00, positiveMedian: 12_000, sigma: 0.45),
        "CD86": Expression(fractionPositive: 0.40, positiveMedian: 6_000, sigma: 0.55),
        "CD206": Expression(fractionPositive: 0.55, positiveMedian: 9_000, sigma: 0.60),
        "CD163": Expression(fractionPositive: 0.65, positiveMedian: 7_000, sigma: 0.50),
        "CD45": Expression(fractionPositive: 1.00, positiveMedian: 15_000, sigma: 0.40),
        "CD204": Expression(fractionPositive: 0.70, positiveMedian: 5_000, sigma: 0.55),
        "TLR4": Expression(fractionPositive: 0.30, positiveMedian: 3_000, sigma: 0.50),
        "HLA-DR": Expression(fractionPositive: 0.80, positiveMedian: 20_000, sigma: 0.60),
        "Viability": Expression(fractionPositive: 0, positiveMedian: 0, sigma: 0),
    ]
    /// Median autofluorescence of a macrophage in every detector.
    public var autofluorescence = 250.0
    /// Spread of the autofluorescence on the natural-log scale (log-normal, the same in every detector).
    public static let autofluorescenceSigma = 0.5
    /// Standard deviation of the electronic noise added to each detector.
    public var noise = 120.0
    /// The donor's shifts from the defaults (scatter drift, marker stains, dead-cell peak); none by default.
    public var shift = DonorShift.none
    /// Keywords added to the file (e.g. `$FIL`, sample identifiers).
    public var keywords: [(String, String)] = []

    /// The most events one tube may have: 10,000,000 (every event is held in memory, a few hundred bytes each,
    /// before the file is written). The cap of `flowstudy simulate --events` and `flowstudy demo --events`.
    public static let maximumEvents = 10_000_000

    /// A simulator of `events` events from `seed`.
    public init(events: Int, seed: UInt64, fmoMarker: String? = nil) {
        self.events = events
        self.seed = seed
        self.fmoMarker = fmoMarker
    }

    /// ``maximumEvents`` as messages write it: 10,000,000.
    public static var maximumEventsText: String {
        String(maximumEvents).reversed().enumerated().reduce(into: "") { text, digit in
            if digit.offset > 0 && digit.offset % 3 == 0 { text.insert(",", at: text.startIndex) }
            text.insert(digit.element, at: text.startIndex)
        }
    }

    /// Errors in the settings.
    public struct SettingsError: Error, CustomStringConvertible, Sendable {
        /// What is wrong.
        public var description: String
    }

    /// Simulates the tube.
    public func simulate() throws -> SimulatedSample {
        guard (0...Self.maximumEvents).contains(events) else {
            throw SettingsError(description: "--events must be 0 to \(Self.maximumEventsText), not \(events)")
        }
        if let fmoMarker, !Panel.fluorescence.contains(where: { $0.marker.lowercased() == fmoMarker.lowercased() }) {
            throw SettingsError(description: "--fmo \(fmoMarker): expected one of \(Panel.fluorescence.map(\.marker).joined(separator: ", "))")
        }
        guard populationShares.count == Population.allCases.count, populationShares.allSatisfy({ $0 >= 0 }),
              populationShares.reduce(0, +) > 0 else {
            throw SettingsError(description: "population shares must be 5 non-negative numbers with a positive sum")
        }
        try shift.validate()
        let stainFactor = shift.stainFactors
        let scatterFactor = 1 + shift.scatterDrift
        let deadPeakFactor = pow(10, shift.deadPeakShift)
        var random = RandomSource(seed: seed)
        let dyes = Panel.fluorescence.count
        let unstained = Panel.fluorescence.firstIndex { $0.marker.lowercased() == fmoMarker?.lowercased() }
        let profiles = Panel.fluorescence.map { expression[$0.marker] ?? Expression(fractionPositive: 0, positiveMedian: 0, sigma: 0) }
        var labels = [UInt8](repeating: 0, count: events)
        var scatter = [[Float]](repeating: [Float](repeating: 0, count: events), count: 4)
        var trueSignal = [[Double]](repeating: [Double](repeating: 0, count: events), count: dyes)
        var observed = [[Float]](repeating: [Float](repeating: 0, count: events), count: dyes)
        let total = populationShares.reduce(0, +)
        let cumulative = populationShares.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1 / total) }

        var signal = [Double](repeating: 0, count: dyes)
        func macrophageSignal(into signal: inout [Double], adding: Bool = false) {
            for dye in 0..<dyes {
                var value = random.logNormal(median: autofluorescence, sigma: Self.autofluorescenceSigma)
                let profile = profiles[dye]
                if dye != unstained, random.uniform() < profile.fractionPositive, profile.positiveMedian > 0 {
                    value += random.logNormal(median: profile.positiveMedian, sigma: profile.sigma) * stainFactor[dye]
                }
                signal[dye] = adding ? signal[dye] + value : value
            }
        }
        for event in 0..<events {
            let draw = random.uniform()
            let population = Population(rawValue: UInt8(cumulative.firstIndex { draw < $0 } ?? 4)) ?? .macrophage
            labels[event] = population.rawValue
            var fscA: Double, sscA: Double, heightRatio: Double
            switch population {
            case .macrophage:
                fscA = random.normal(mean: 120_000, sd: 22_000)
                sscA = random.normal(mean: 85_000, sd: 22_000)
                heightRatio = random.normal(mean: 0.85, sd: 0.04)
                macrophageSignal(into: &signal)
            case .doublet:
                let first = random.normal(mean: 120_000, sd: 22_000), second = random.normal(mean: 120_000, sd: 22_000)
                fscA = first + second
                sscA = random.normal(mean: 85_000, sd: 22_000) + random.normal(mean: 85_000, sd: 22_000)
                heightRatio = 0.85 * first * random.normal(mean: 1.1, sd: 0.06) / fscA
                macrophageSignal(into: &signal)
                macrophageSignal(into: &signal, adding: true)
            case .dead:
                fscA = random.normal(mean: 80_000, sd: 20_000)
                sscA = random.normal(mean: 100_000, sd: 30_000)
                heightRatio = random.normal(mean: 0.83, sd: 0.05)
                macrophageSignal(into: &signal)
                signal[0] *= 0.4
                signal[dyes - 1] = random.logNormal(median: 25_000, sigma: 0.5) * deadPeakFactor
            case .lymphocyte:
                fscA = random.normal(mean: 55_000, sd: 8_000)
                sscA = random.normal(mean: 22_000, sd: 6_000)
                heightRatio = random.normal(mean: 0.88, sd: 0.03)
                for dye in 0..<dyes { signal[dye] = random.logNormal(median: 80, sigma: 0.5) }
                signal[4] += random.logNormal(median: 20_000, sigma: 0.35) * stainFactor[4]
                if random.uniform() < 0.15 { signal[7] += random.logNormal(median: 15_000, sigma: 0.5) * stainFactor[7] }
            case .debris:
                fscA = random.logNormal(median: 12_000, sigma: 0.5)
                sscA = random.logNormal(median: 9_000, sigma: 0.6)
                heightRatio = random.normal(mean: 0.9, sd: 0.1)
                for dye in 0..<dyes { signal[dye] = random.logNormal(median: 150, sigma: 0.8) }
            }
            // The drift scales area and height alike (the height ratios were drawn above).
            fscA = clamp(fscA * scatterFactor, 200, Panel.maximum)
            sscA = clamp(sscA * scatterFactor, 200, Panel.maximum)
            scatter[0][event] = Float(fscA)
            scatter[1][event] = Float(clamp(fscA * heightRatio, 100, Panel.maximum))
            scatter[2][event] = Float(sscA)
            scatter[3][event] = Float(clamp(sscA * random.normal(mean: 0.80, sd: 0.05), 100, Panel.maximum))
            // observed = true × S (row vector) + noise: dye i puts S[i][j] of its signal into detector j.
            for detector in 0..<dyes {
                var value = 0.0
                for dye in 0..<dyes { value += signal[dye] * Panel.spillover[dye][detector] }
                value += random.normal(mean: 0, sd: noise)
                observed[detector][event] = Float(clamp(value, -Panel.maximum, Panel.maximum))
                trueSignal[detector][event] = signal[detector]
            }
        }
        // Acquisition at about 2,000 events per second in 0.01 s ticks.
        let time = (0..<events).map { Float(Double($0) / 20) }
        return SimulatedSample(sample: makeSample(scatter: scatter, time: time, observed: observed),
                               populations: labels, trueSignal: trueSignal)
    }

    private func makeSample(scatter: [[Float]], time: [Float], observed: [[Float]]) -> Sample {
        let timeRange = String(Int((Double(events) / 20).rounded(.up)) + 1)
        var parameters: [Parameter] = []
        for (i, name) in Panel.parameterNames.enumerated() {
            let marker = Panel.fluorescence.first { $0.detector == name }?.marker
            let range = name == "Time" ? timeRange : "262144"
            parameters.append(Parameter(index: i + 1, name: name, marker: marker, rangeText: range,
                                        type: name == "Time" ? "Time" : nil))
        }
        var keywords = Keywords([("$CYT", "FlowStudy simulator"), ("$TIMESTEP", "0.01"),
                                 ("$SRC", fmoMarker.map { "MDM FMO \($0)" } ?? "MDM"),
                                 ("FLOWSTUDY SEED", "\(seed)")])
        if let fmoMarker { keywords.set("FLOWSTUDY FMO", fmoMarker) }
        for (key, value) in shift.keywords { keywords.set(key, value) }
        for (key, value) in self.keywords { keywords.set(key, value) }
        keywords.set("$SPILLOVER", Spillover(channels: Panel.fluorescence.map(\.detector), matrix: Panel.spillover).keywordValue)
        let columns = scatter.map { ChannelValues($0) } + [ChannelValues(time)] + observed.map { ChannelValues($0) }
        return Sample(keywords: keywords, parameters: parameters, columns: columns)
    }
}

/// A simulated tube with its ground truth.
public struct SimulatedSample: Sendable {
    /// The sample, ready to write.
    public var sample: Sample
    /// The population of each event (``MacrophageSimulator/Population`` raw values).
    public var populations: [UInt8]
    /// The true fluorescence of each dye before spillover and noise: `[dye][event]`, dyes in panel order.
    public var trueSignal: [[Double]]

    /// The truth sidecar of the tube: each event's population, in file order.
    public var truth: TruthSidecar { TruthSidecar(labels: populations) }
}

private func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double { min(max(value, low), high) }

import Foundation

/// Options of an ELISA analysis (defaults from METHODS.md).
public struct ELISAOptions: Sendable {
    /// How blank wells are used.
    public enum Blank: String, Sendable, CaseIterable { case subtract, fitAsZeroStandard = "fit-as-zero-standard" }
    /// The number statistics use for a value below the LLOQ.
    public enum Substitution: String, Sendable, CaseIterable { case lloqHalf = "lloq_half", lloqSqrt2 = "lloq_sqrt2", lloq, zero }

    /// The curve model (default 4PL).
    public var model: CurveModel = .fourParameter
    /// The weights (default none).
    public var weighting: Weighting = .none
    /// Blank subtraction (default) or the blank as a zero standard.
    public var blank: Blank = .subtract
    /// Substitution below the LLOQ (default LLOQ/2).
    public var substitution: Substitution = .lloqHalf
    /// HIGH_CV above this replicate CV (%).
    public var cvLimit: Double = 20
    /// Wells an analyst masked, with the reason (recorded in the curve's QC list).
    public var masks: [String: String] = [:]
    /// Dilutions of one sample disagreeing by more than this (relative to their mean) are DILUTION_NONLINEAR.
    public var dilutionAgreement: Double = 0.20

    /// The defaults of METHODS.md.
    public init() {}
}

/// A plate analysed: corrected ODs, the standard curve, LLOQ/ULOQ, acceptance, and every sample's value.
public struct PlateAnalysis: Sendable {
    /// One standard level with its recovery and pass/fail.
    public struct Standard: Sendable {
        public var nominal: Double
        public var wells: [String]
        public var netOD: [Double]
        public var meanNetOD: Double
        public var cvPercent: Double?
        public var fittedOD: Double
        public var backCalculated: Double?
        public var recoveryPercent: Double?
        public var recoveryLimits: (Double, Double)
        public var cvLimit: Double
        public var passes: Bool
    }

    /// One sample at one dilution.
    public struct SampleResult: Sendable {
        public var sampleID: String
        public var subjectID: String
        public var condition: String
        public var wells: [String]
        public var dilution: Double
        public var netOD: [Double]
        public var meanNetOD: Double?
        public var cvPercent: Double?
        /// In range: the in-well concentration; nil when censored.
        public var concentrationInWell: Double?
        /// The curve's value even outside the LLOQ/ULOQ (never reported as a result).
        public var extrapolated: Double?
        public var status: String
        public var flags: [String]
        /// Reported value (× dilution), nil when censored.
        public var value: Double?
        public var valueText: String
        /// The number statistics use (substitution rule applied to censored values).
        public var valueForStats: Double?
        public var selected: Bool
        /// `sample` (a study sample: joins the outcomes) or `control` (a QC control on the plate: assay QC only).
        public var role: PlateLayout.Role = .sample
    }

    public var plate: String
    public var analyte: String
    public var options: ELISAOptions
    public var blankWells: [String]
    public var blankMean: Double?
    /// The corrected ODs of the blank wells that were read, in plate order.
    public var blankCorrectedODs: [Double]
    /// SD (n − 1) of the blank corrected ODs; nil with fewer than two. 3·SD is the LOD as a net OD (METHODS.md §6,
    /// for information only).
    public var blankSD: Double?
    public var standards: [Standard]
    public var fit: CurveFit
    public var lloq: Double?
    public var uloq: Double?
    public var levelsPassing: Int
    public var levelsRequired: Int
    public var curveAccepted: Bool
    public var samples: [SampleResult]
    /// Plate-level notes: standards and blanks left out (overflowed or not read), masks, high blanks, a fit
    /// that did not converge.
    public var qc: [String]
    /// The notes of ``qc`` that call for a look at the plate (all but the masks the user asked for): what the
    /// `elisa` command says on standard error as the plate warning of METHODS.md §10.
    public var warnings: [String]
    /// Wells the layout uses that were not read or could not be computed (METHODS.md §1.3), in plate order.
    public var wellsNotRead: [String]
    /// Wells the layout uses whose reading overflowed, in plate order.
    public var wellsOverflowed: [String]
    /// Samples (at one dilution) with status `NOT_READ`: no readable well left. The study's QC table counts them.
    public var samplesNotRead: Int { samples.filter { $0.status == Self.notReadStatus }.count }

    /// The status of a sample none of whose wells was read.
    public static let notReadStatus = "NOT_READ"
    /// The flag of every value on a plate whose curve fit did not converge (it also gets `CURVE_REJECTED`).
    public static let notConvergedFlag = "CURVE_NOT_CONVERGED"

    /// Analyses `read` with `layout`.
    public init(read: PlateRead, layout: PlateLayout, analyte: String, options: ELISAOptions = ELISAOptions(), file: String = "") throws {
        try self.init(read: read, layout: layout, analyte: analyte, options: options, file: file, fit: nil)
    }

    /// Analyses `read` with `layout`, judging the plate with `fixed` instead of fitting when it is given (tests use
    /// it to see how a fit that stalled is reported).
    init(read: PlateRead, layout: PlateLayout, analyte: String, options: ELISAOptions = ELISAOptions(), file: String = "", fit fixed: CurveFit?) throws {
        plate = read.name
        self.analyte = analyte
        self.options = options
        var masked: [String] = [], qc: [String] = []
        for (well, entry) in layout.entries where entry.role != .empty && read.wells[well] == nil {
            throw ELISAError(.layoutMismatch, file: file, place: "well \(well)", "the layout uses well \(well), which the plate read does not have")
        }
        for (well, reason) in options.masks.sorted(by: { Well.order($0.key) < Well.order($1.key) }) {
            masked.append("well \(well) masked: \(reason)")
        }
        let masks = options.masks
        /// Dual-wavelength correction: OD − reference OD, when a reference was read. Masked, overflowed and
        /// unread wells give nothing.
        func corrected(_ well: String) -> Double? {
            guard masks[well] == nil, let reading = read.wells[well], reading.status == .read, let od = reading.measurement else { return nil }
            return od - (reading.reference ?? 0)
        }
        func status(_ well: String) -> PlateRead.Reading.Status { read.wells[well]?.status ?? .notRead }
        /// Why a well gives no value, for the QC list.
        func why(_ well: String) -> String {
            if let reason = masks[well] { return "masked (\(reason))" }
            let text = read.wells[well]?.text ?? ""
            return status(well) == .overflow ? "overflow '\(text)'" : "not read '\(text)'"
        }
        let entries = layout.entries.values.sorted { Well.order($0.well) < Well.order($1.well) }
        let used = entries.filter { $0.role != .empty && masks[$0.well] == nil }
        wellsNotRead = used.filter { status($0.well) == .notRead }.map(\.well)
        wellsOverflowed = used.filter { status($0.well) == .overflow }.map(\.well)
        // Blank
        let blanks = entries.filter { $0.role == .blank }
        var blankValues: [Double] = []
        for blank in blanks {
            if let value = corrected(blank.well) { blankValues.append(value) } else { qc.append("blank \(blank.well) excluded: \(why(blank.well))") }
        }
        blankWells = blanks.map(\.well)
        blankMean = blankValues.isEmpty ? nil : blankValues.reduce(0, +) / Double(blankValues.count)
        blankCorrectedODs = blankValues
        blankSD = Self.sd(blankValues)
        if options.blank == .subtract && blankMean == nil {
            throw ELISAError(.noBlank, file: file, "blank subtraction needs blank wells with readings; the layout has \(blanks.count) and none was readable")
        }
        if let blankMean, blankMean > 0.2 { qc.append("blank mean corrected OD \(blankMean) > 0.2: substrate or washing problem") }
        let offset = options.blank == .subtract ? (blankMean ?? 0) : 0
        func net(_ well: String) -> Double? { corrected(well).map { $0 - offset } }

        // Standards: level means of net ODs.
        let standardEntries = entries.filter { $0.role == .standard }
        let levels = Dictionary(grouping: standardEntries, by: { $0.concentration ?? 0 }).sorted { $0.key < $1.key }
        guard !levels.isEmpty else { throw ELISAError(.missingStandards, file: file, "the layout has no standard wells") }
        guard levels.count >= 4 + (options.model == .fiveParameter ? 1 : 0) + 1 else {
            throw ELISAError(.tooFewLevels, file: file, "a \(options.model.label) fit needs at least \(options.model.parameterCount + 2) standard levels, found \(levels.count)")
        }
        var x: [Double] = [], y: [Double] = []
        var partial: [(nominal: Double, wells: [String], net: [Double], mean: Double, cv: Double?)] = []
        for (nominal, group) in levels {
            let wells = group.map(\.well)
            let values = wells.compactMap(net)
            for well in wells where net(well) == nil { qc.append("standard \(Self.text(nominal)) well \(well) excluded from the fit: \(why(well))") }
            guard !values.isEmpty else { continue }
            let mean = values.reduce(0, +) / Double(values.count)
            partial.append((nominal, wells, values, mean, Self.cv(values)))
            x.append(nominal)
            y.append(mean)
        }
        if options.blank == .fitAsZeroStandard, !blankValues.isEmpty {
            x.insert(0, at: 0)
            y.insert(blankValues.reduce(0, +) / Double(blankValues.count), at: 0)
        }
        var fit: CurveFit
        do {
            fit = try fixed ?? CurveFitter.fit(x: x, y: y, model: options.model, weighting: options.weighting)
        } catch let error as ELISAError {
            throw ELISAError(error.code, file: file, place: error.place, error.message)
        }
        if !fit.converged {
            qc.append("the \(options.model.label) fit did not converge (\(fit.stopReason)): \(Self.notConvergedFlag), curve rejected")
        }
        self.fit = fit
        let curve = fit.parameters
        // Standard recovery and the passing levels (80–120 %, CV ≤ 20 %; 75–125 %, CV ≤ 25 % at the ends).
        let lowest = partial.first?.nominal, highest = partial.last?.nominal
        standards = partial.map { level in
            let edge = level.nominal == lowest || level.nominal == highest
            let limits = edge ? (75.0, 125.0) : (80.0, 120.0)
            let cvLimit = edge ? 25.0 : 20.0
            let back = curve.concentration(level.mean)
            let recovery = back.map { $0 / level.nominal * 100 }
            let passes = recovery.map { $0 >= limits.0 && $0 <= limits.1 } == true && (level.cv ?? 0) <= cvLimit
            return Standard(nominal: level.nominal, wells: level.wells, netOD: level.net, meanNetOD: level.mean, cvPercent: level.cv,
                            fittedOD: curve.response(level.nominal), backCalculated: back, recoveryPercent: recovery,
                            recoveryLimits: limits, cvLimit: cvLimit, passes: passes)
        }
        let passing = standards.filter(\.passes)
        lloq = passing.first?.nominal
        uloq = passing.last?.nominal
        levelsPassing = passing.count
        levelsRequired = max(Int((0.75 * Double(standards.count)).rounded(.up)), min(6, standards.count))
        curveAccepted = levelsPassing >= levelsRequired && fit.rSquared >= 0.99 && fit.converged && curve.b > 0 && curve.a < curve.d
        self.qc = masked + qc
        warnings = qc

        // Samples: replicates share sample id and dilution; the value comes from the mean net OD.
        let sampleEntries = entries.filter { $0.role == .sample || $0.role == .control }
        var order: [String] = []
        var groups: [String: [PlateLayout.Entry]] = [:]
        for entry in sampleEntries {
            let key = "\(entry.sampleID)\u{1F}\(entry.dilution)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(entry)
        }
        var results: [SampleResult] = []
        let lloq = passing.first?.nominal, uloq = passing.last?.nominal
        let substitution = options.substitution, cvLimit = options.cvLimit, accepted = curveAccepted
        for key in order {
            guard let group = groups[key] else { continue }
            let first = group[0]
            let designed = group.map(\.well)
            let wells = designed.filter { masks[$0] == nil }
            let values = wells.compactMap(net)
            let saturated = wells.contains { status($0) == .overflow }
            if wells.isEmpty {
                results.append(SampleResult(sampleID: first.sampleID, subjectID: first.subjectID, condition: first.condition, wells: designed,
                                            dilution: first.dilution, netOD: [], meanNetOD: nil, cvPercent: nil, concentrationInWell: nil,
                                            extrapolated: nil, status: "MASKED", flags: ["ALL_WELLS_MASKED"], value: nil, valueText: "",
                                            valueForStats: nil, selected: false, role: first.role))
                continue
            }
            var result = SampleResult(sampleID: first.sampleID, subjectID: first.subjectID, condition: first.condition, wells: wells,
                                      dilution: first.dilution, netOD: values, meanNetOD: nil, cvPercent: nil, concentrationInWell: nil,
                                      extrapolated: nil, status: "OK", flags: [], value: nil, valueText: "", valueForStats: nil, selected: true,
                                      role: first.role)
            let dilution = first.dilution
            if !saturated && values.isEmpty {
                // No readable well: no value, excluded from statistics, counted.
                result.status = Self.notReadStatus
                result.selected = false
                results.append(result)
                continue
            }
            if !saturated && values.count == 1 && designed.count > 1 { result.flags.append("SINGLE_REPLICATE") }
            func censor(below: Bool) {
                result.status = below ? "<LLOQ" : ">ULOQ"
                let limit = (below ? lloq : uloq).map { $0 * dilution }
                result.valueText = limit.map { (below ? "<" : ">") + Self.text($0) } ?? (below ? "<LLOQ" : ">ULOQ")
                if let limit {
                    if below {
                        switch substitution {
                        case .lloqHalf: result.valueForStats = limit / 2
                        case .lloqSqrt2: result.valueForStats = limit / 2.0.squareRoot()
                        case .lloq: result.valueForStats = limit
                        case .zero: result.valueForStats = 0
                        }
                    } else {
                        result.valueForStats = limit
                    }
                }
            }
            if saturated {
                // An overflowed well: above the reader's range, neither averaged nor dropped.
                result.flags.append("SATURATED")
                censor(below: false)
            } else {
                let mean = values.reduce(0, +) / Double(values.count)
                result.meanNetOD = mean
                result.cvPercent = Self.cv(values)
                if mean <= curve.a {
                    result.flags.append("BELOW_CURVE")
                    censor(below: true)
                } else if mean >= curve.d {
                    result.flags.append("ABOVE_CURVE")
                    censor(below: false)
                } else if let x = curve.concentration(mean) {
                    result.extrapolated = x
                    if let lloq, x < lloq { censor(below: true) }
                    else if let uloq, x > uloq { censor(below: false) }
                    else if lloq == nil { censor(below: true) }
                    else {
                        result.concentrationInWell = x
                        result.value = x * dilution
                        result.valueText = Self.text(x * dilution)
                        result.valueForStats = x * dilution
                        if let cv = result.cvPercent, cv > cvLimit { result.flags.append("HIGH_CV") }
                    }
                }
                if values.count == 1 && wells.count == 1 { /* single well by design */ }
            }
            if !fit.converged { result.flags.append(Self.notConvergedFlag) }
            if !accepted { result.flags.append("CURVE_REJECTED") }
            results.append(result)
        }
        // Several dilutions of one sample: keep the in-range one closest to the curve's midpoint.
        let midpoint = (curve.a + curve.d) / 2
        for id in Set(results.map(\.sampleID)) {
            let indices = results.indices.filter { results[$0].sampleID == id }
            guard indices.count > 1 else { continue }
            let inRange = indices.filter { results[$0].status == "OK" }
            let candidates = indices.filter { results[$0].status != Self.notReadStatus && results[$0].status != "MASKED" }
            let chosen = (inRange.isEmpty ? candidates : inRange).min {
                abs((results[$0].meanNetOD ?? .infinity) - midpoint) < abs((results[$1].meanNetOD ?? .infinity) - midpoint)
            }
            for i in indices { results[i].selected = i == chosen }
            // In-range dilutions that disagree beyond the limit point to a matrix effect.
            let values = inRange.compactMap { results[$0].value }
            if values.count > 1 {
                let mean = values.reduce(0, +) / Double(values.count)
                if values.contains(where: { abs($0 - mean) / mean > options.dilutionAgreement }) {
                    for i in indices { results[i].flags.append("DILUTION_NONLINEAR") }
                }
            }
        }
        samples = results
    }

    /// CV% = 100 · SD (n − 1) / mean; nil when n < 2 or mean ≤ 0.
    static func cv(_ values: [Double]) -> Double? {
        guard let sd = sd(values) else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        guard mean > 0 else { return nil }
        return 100 * sd / mean
    }

    /// SD (n − 1); nil when n < 2.
    static func sd(_ values: [Double]) -> Double? {
        guard values.count >= 2 else { return nil }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
    }

    /// Six significant digits, as METHODS.md prints values (`12841.1`, `<781.25`, `>50000`).
    public static func text(_ value: Double) -> String {
        var text = String(format: "%.6g", value)
        if text.contains("e") { return text }
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

/// `truth.json`: the model, every culture's true parameters and concentrations, and each culture tube's readouts
/// computed with FlowStudy's definitions on the model distributions (not on the sampled events), so that estimates
/// are compared with the quantity they estimate.
public struct StudyTruth: Codable, Sendable {
    /// One analyte's true concentration in one culture's supernatant.
    public struct Concentration: Codable, Sendable {
        /// Analyte.
        public var analyte: String
        /// Neat concentration (pg/mL).
        public var neat: Double
        /// `random`, or `below_lloq` when placed below the curve on purpose.
        public var design: String
        /// The plate it was measured on.
        public var plate: String
        /// Dilution factors it was run at.
        public var dilutions: [Double]
    }

    /// One culture's truth.
    public struct Sample: Codable, Sendable {
        /// Sample id.
        public var sampleId: String
        /// Subject.
        public var subjectId: String
        /// Arm and condition.
        public var arm: String, condition: String
        /// Serum source (healthy-donor arm).
        public var serumSubjectId: String?
        /// Median macrophage autofluorescence (this donor's), shared with its FMO tubes.
        public var autofluorescence: Double
        /// Share of dead cells among all events (the population share drawn from).
        public var deadShare: Double
        /// Expression of every panel marker.
        public var markers: [FlowModel.Marker]
        /// True concentrations.
        public var concentrations: [Concentration]
    }

    /// A readout of one marker in one culture tube, on the model distribution of its true macrophages.
    public struct Readout: Codable, Sendable {
        /// Marker.
        public var marker: String
        /// Median of the compensated marker value (the MFI).
        public var mfi: Double
        /// 100 × share above the FMO threshold.
        public var percentPositive: Double
        /// The threshold: 99th percentile of the FMO distribution.
        public var fmoP99: Double
        /// Median of the FMO distribution.
        public var fmoMfi: Double
        /// SD of the compensated detector noise in the marker's channel.
        public var noiseSd: Double
        /// Density of the stained distribution at `mfi`: the sampling SD of a median of n macrophages is
        /// 1 / (2·density·√n), large for markers near 50 % positive (the median sits between the modes).
        public var densityAtMfi: Double
        /// Densities of the stained and the FMO distributions at `fmo_p99`: the sampling SD of % positive with a
        /// threshold from n_f FMO events is 100·√(p(1−p)/n + (stained / fmo)²·0.0099/n_f).
        public var densityAtFmoP99: Double, fmoDensityAtFmoP99: Double
    }

    /// One FCS tube.
    public struct Tube: Codable, Sendable {
        /// Tube id (the sample id in samples.csv).
        public var sampleId: String
        /// File, relative to the study folder.
        public var file: String
        /// Events written.
        public var events: Int
        /// Simulator seed.
        public var seed: UInt64
        /// The culture it belongs to.
        public var culture: String
        /// The marker left out (FMO tubes).
        public var fmoMarker: String?
        /// Realised share of events that are not dead cells × 100 (samples.csv `viability_percent`).
        public var viabilityPercent: Double
        /// Readouts of the six study markers (culture tubes only).
        public var readouts: [Readout]?
    }

    /// One plate.
    public struct Plate: Codable, Sendable {
        /// Plate id.
        public var plate: String
        /// Analyte.
        public var analyte: String
        /// Export format (`gen5`, `skanit`).
        public var format: String
        /// Export and layout files, relative to the study folder.
        public var file: String, layout: String
        /// The plate's true 4PL (corrected OD against in-well pg/mL).
        public var a: Double, b: Double, c: Double, d: Double
        /// The well with the designed pipetting error.
        public var highCvWell: String?
        /// Noise draws needed to meet the design.
        public var draws: Int
    }

    /// `flowstudy demo generate`.
    public var generator: String
    /// Version of the generator's model; changes when the same seed would give other files.
    public var generatorVersion: Int
    /// The settings.
    public var settings: DemoSettings
    /// What the readouts mean.
    public var definitions: [String]
    /// The flow model.
    public var flowModel: FlowModel
    /// The ELISA model.
    public var elisaModel: ELISAModel
    /// Per culture.
    public var samples: [Sample]
    /// Per FCS tube.
    public var tubes: [Tube]
    /// Per plate.
    public var plates: [Plate]
}

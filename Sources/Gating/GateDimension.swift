/// Which compensation a gate dimension's values go through (Gating-ML's `compensation-ref`).
public enum CompensationReference: Hashable, Sendable, Codable {
    /// Scale values as they are.
    case uncompensated
    /// The sample's own spillover keyword (Gating-ML `FCS`); without one, the values stay uncompensated.
    case file
    /// A matrix of the strategy, by id (a Gating-ML `spectrumMatrix`, or a template's matrix).
    case matrix(String)

    /// The Gating-ML spelling: `uncompensated`, `FCS`, or the matrix id.
    public var gatingMLName: String {
        switch self {
        case .uncompensated: "uncompensated"
        case .file: "FCS"
        case .matrix(let id): id
        }
    }

    /// Reads the Gating-ML spelling.
    public init(gatingMLName: String) {
        switch gatingMLName {
        case "uncompensated": self = .uncompensated
        case "FCS": self = .file
        default: self = .matrix(gatingMLName)
        }
    }
}

/// One dimension of a gate: a channel (or a ratio of two channels), its compensation, and an optional transform.
/// Gate coordinates on the dimension are in the transform's units.
public struct GateDimension: Hashable, Sendable {
    /// Where the values come from.
    public enum Source: Hashable, Sendable {
        /// A channel: `$PnN`, `$PnS`, or a fluorochrome of a spectrum matrix.
        case channel(String)
        /// A Gating-ML `fratio` transform (by id) over two channels.
        case ratio(String)
        /// A marker of a template's panel (`HLA-DR`), resolved to a channel of each sample before gating.
        case marker(String)
    }

    /// The values' source.
    public var source: Source
    /// Compensation applied before the transform.
    public var compensation: CompensationReference
    /// The transform (by id in the strategy), if any.
    public var transform: String?

    /// A channel dimension.
    public init(channel: String, compensation: CompensationReference = .uncompensated, transform: String? = nil) {
        self.source = .channel(channel)
        self.compensation = compensation
        self.transform = transform
    }

    /// A ratio dimension.
    public init(ratio: String, compensation: CompensationReference = .uncompensated, transform: String? = nil) {
        self.source = .ratio(ratio)
        self.compensation = compensation
        self.transform = transform
    }

    /// A marker dimension (templates).
    public init(marker: String, compensation: CompensationReference = .uncompensated, transform: String? = nil) {
        self.source = .marker(marker)
        self.compensation = compensation
        self.transform = transform
    }

    /// A short label: the channel, the marker, or `ratio(id)`.
    public var label: String {
        switch source {
        case .channel(let name): name
        case .marker(let name): name
        case .ratio(let id): "ratio(\(id))"
        }
    }
}

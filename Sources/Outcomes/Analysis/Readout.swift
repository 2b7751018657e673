/// What a paired outcome measures: an analyte's concentration, or a marker's MFI or % positive.
public enum Readout: Sendable, Hashable {
    /// An ELISA concentration (pg/mL).
    case concentration(Analyte)
    /// A flow readout of a marker.
    case flow(StudyMarker, FlowReadout)

    /// Whether the effect is a ratio (concentrations, MFI) rather than a difference (% positive, in percentage
    /// points, where FC is not used).
    public var isRatioScale: Bool {
        if case .flow(_, .percentPositive) = self { return false }
        return true
    }

    /// Whether the readout is an ELISA concentration.
    public var isConcentration: Bool {
        if case .concentration = self { return true }
        return false
    }

    /// The readout's name in footnotes and lists of missing results.
    public var name: String {
        switch self {
        case .concentration(let analyte): return analyte.rawValue
        case .flow(let marker, let readout): return "\(marker.rawValue) \(readout.rawValue)"
        }
    }
}

/// One sample's value of a readout, as the pairing sees it.
public enum Observation: Sendable {
    /// A value for statistics, with the ELISA status (censored values are substituted ones).
    case value(Double, ConcentrationResult.Status)
    /// Excluded from the statistics, and why.
    case excluded(ConcentrationResult.Exclusion)
    /// No result.
    case absent

    /// Whether there is no result.
    public var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }
}

extension StudyData {
    /// The value of `readout` for `sample`.
    public func observation(_ readout: Readout, sample: CultureSample) -> Observation {
        switch readout {
        case .concentration(let analyte):
            guard let result = concentrations[sample.id]?[analyte] else { return .absent }
            if let exclusion = result.exclusion { return .excluded(exclusion) }
            guard let value = result.valueForStats else { return .absent }
            return .value(value, result.status)
        case .flow(let marker, let flow):
            guard let value = markers[sample.id]?[marker]?.value(flow) else { return .absent }
            return .value(value, .ok)
        }
    }
}

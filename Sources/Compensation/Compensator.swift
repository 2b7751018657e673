import FCS

/// How a matrix channel was matched to a sample parameter.
public enum ChannelMatch: String, Sendable, Equatable, Codable {
    /// Equal to `$PnN`.
    case name = "$PnN"
    /// Equal to `$PnS`.
    case marker = "$PnS"
    /// A number naming the parameter (Accuri writes parameter numbers).
    case index = "parameter number"
}

/// Applies a spillover matrix to a sample: finds the matrix's detectors among the sample's parameters and turns
/// their scale values into compensated fluorochrome values.
public struct Compensator: Sendable {
    /// The matrix.
    public let matrix: SpilloverMatrix
    /// For each detector, the 0-based parameter index and how it was matched.
    public let detectorParameters: [(index: Int, match: ChannelMatch)]
    /// `S⁻¹` (or the least-squares right inverse), detectors × fluorochromes.
    public let unmixing: [[Double]]

    /// Matches `matrix` to `sample`: each detector by `$PnN`, then `$PnS`, then (for a number) parameter index.
    public init(matrix: SpilloverMatrix, sample: Sample) throws {
        var found: [(Int, ChannelMatch)] = []
        var used: [Int: String] = [:]
        for detector in matrix.detectors {
            let match: (Int, ChannelMatch)
            if let index = sample.parameters.firstIndex(where: { $0.name == detector }) {
                match = (index, .name)
            } else if let index = sample.parameters.firstIndex(where: { $0.marker == detector }) {
                match = (index, .marker)
            } else if let number = Int(detector), number >= 1, number <= sample.parameters.count {
                match = (number - 1, .index)
            } else {
                throw CompensationError(.unmatchedChannel, source: matrix.source,
                    "channel '\(detector)': expected a parameter of \(sample.file) named so by $PnN or $PnS (\(sample.parameters.map(\.name).joined(separator: ", ")))")
            }
            if let other = used[match.0] {
                throw CompensationError(.ambiguousMatch, source: matrix.source,
                    "channels '\(other)' and '\(detector)' both match parameter \(match.0 + 1) (\(sample.parameters[match.0].name))")
            }
            used[match.0] = detector
            found.append(match)
        }
        self.matrix = matrix
        self.detectorParameters = found.map { (index: $0.0, match: $0.1) }
        self.unmixing = try matrix.unmixingMatrix()
    }

    /// Compensated values of every fluorochrome, in matrix row order, for all events.
    ///
    /// Events are processed in blocks of 1,024 so the inputs and outputs of a block stay in cache while the
    /// small matrix product runs over them.
    public func compensate(_ sample: Sample) -> [[Double]] {
        let inputs = detectorParameters.map { sample.scaleValues(at: $0.index) }
        return Self.multiply(inputs, unmixing, events: sample.eventCount)
    }

    /// `outputs[f][e] = Σ_d inputs[d][e] · unmixing[d][f]`.
    static func multiply(_ inputs: [[Double]], _ unmixing: [[Double]], events: Int) -> [[Double]] {
        let detectors = inputs.count
        let fluorochromes = unmixing.first?.count ?? 0
        var outputs = [[Double]](repeating: [Double](repeating: 0, count: events), count: fluorochromes)
        let block = 1024
        for f in 0..<fluorochromes {
            outputs[f].withUnsafeMutableBufferPointer { out in
                var start = 0
                while start < events {
                    let end = min(start + block, events)
                    for d in 0..<detectors {
                        let coefficient = unmixing[d][f]
                        if coefficient == 0 { continue }
                        inputs[d].withUnsafeBufferPointer { input in
                            for e in start..<end { out[e] += input[e] * coefficient }
                        }
                    }
                    start = end
                }
            }
        }
        return outputs
    }
}

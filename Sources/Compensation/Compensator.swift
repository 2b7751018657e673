import FCS

/// How a matrix channel was matched to a sample parameter.
public enum ChannelMatch: String, Sendable, Equatable, Codable {
    /// Equal to `$PnN`.
    case name = "$PnN"
    /// Equal to `$PnS`.
    case marker = "$PnS"
    /// A number naming the parameter (Accuri writes parameter numbers).
    case index = "parameter number"
    /// An FCS 2.0 `$DFCiTOj` detector `FLk` matched to the parameter of detector `k` (`FL1 INT LOG`); see
    /// ``FluorescenceDetectors``.
    case detectorNumber = "detector number"
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

    /// Matches `matrix` to `sample`: each detector by `$PnN`, then `$PnS`, then (for a number) parameter index,
    /// then (for `FLk`) detector number.
    public init(matrix: SpilloverMatrix, sample: Sample) throws {
        var found: [(Int, ChannelMatch)] = []
        var used: [Int: String] = [:]
        let numbered = matrix.detectors.compactMap { FluorescenceDetectors.parse($0) }
        let byDetector = numbered.count == matrix.detectors.count && numbered.allSatisfy({ $0.family.isEmpty })
            ? FluorescenceDetectors.parameters(for: numbered.map(\.detector), in: sample) : [:]
        for detector in matrix.detectors {
            let match: (Int, ChannelMatch)
            if let index = sample.parameters.firstIndex(where: { $0.name == detector }) {
                match = (index, .name)
            } else if let index = sample.parameters.firstIndex(where: { $0.marker == detector }) {
                match = (index, .marker)
            } else if let number = Int(detector), number >= 1, number <= sample.parameters.count {
                match = (number - 1, .index)
            } else if let number = FluorescenceDetectors.parse(detector)?.detector, let index = byDetector[number] {
                match = (index, .detectorNumber)
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
    /// Events are processed in blocks of 512: the block's detector values are converted to Double once and stay
    /// in cache while every fluorochrome's small dot product runs over them.
    public func compensate(_ sample: Sample) -> [[Double]] {
        compensate(sample, fluorochromes: Array(0..<(unmixing.first?.count ?? 0)))
    }

    /// Compensated values of the fluorochromes at `rows` (matrix row order), for all events; the result has one
    /// column per requested row, in the order given. A gate that reads four of nine fluorochromes pays for four.
    public func compensate(_ sample: Sample, fluorochromes rows: [Int]) -> [[Double]] {
        let events = sample.eventCount
        let detectors = detectorParameters.count
        let fluorochromes = rows.count
        // Detectors whose scale values differ from the stored ones are scaled up front; the others are read
        // straight from their columns.
        let scaled: [[Double]?] = detectorParameters.map { sample.needsScaling(at: $0.index) ? sample.scaleValues(at: $0.index) : nil }
        let columns = detectorParameters.map { sample.columns[$0.index] }
        var outputs = (0..<fluorochromes).map { _ in [Double](repeating: 0, count: events) }
        let block = 512
        var input = [Double](repeating: 0, count: detectors * block)
        let coefficients = rows.map { f in (0..<detectors).map { unmixing[$0][f] } }
        var start = 0
        while start < events {
            let n = min(block, events - start)
            for d in 0..<detectors {
                let base = d * block
                if let values = scaled[d] {
                    for i in 0..<n { input[base + i] = values[start + i] }
                } else {
                    columns[d].copyDoubles(from: start, count: n, into: &input, at: base)
                }
            }
            input.withUnsafeBufferPointer { x in
                for f in 0..<fluorochromes {
                    outputs[f].withUnsafeMutableBufferPointer { column in
                    let out = column.baseAddress! + start
                    let row = coefficients[f]
                    // The first term initialises the output, so the block is written once, not zeroed first.
                    let first = x.baseAddress!
                    let c0 = row[0]
                    for i in 0..<n { out[i] = first[i] * c0 }
                    for d in 1..<max(detectors, 1) {
                        let c = row[d]
                        if c == 0 { continue }
                        let source = x.baseAddress! + d * block
                        for i in 0..<n { out[i] += source[i] * c }
                    }
                    }
                }
            }
            start += n
        }
        return outputs
    }
}

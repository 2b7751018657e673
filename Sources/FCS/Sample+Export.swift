import Tables

/// Which numbers to take from a sample: what the file stores, or the scale values gates use.
public enum ValueScale: String, Sendable, CaseIterable, Codable {
    /// Stored values, after the integer bitmask (what FlowIO returns).
    case stored
    /// Scale values: `$PnE` log decoding, `$PnG` gain, `$TIMESTEP` (see `Sample+Scale.swift`).
    case scale
}

extension Sample {
    /// The indices of `channels`, each matched on `$PnN` first, then `$PnS`; all channels when `channels` is empty.
    public func parameterIndices(_ channels: [String]) throws -> [Int] {
        guard !channels.isEmpty else { return Array(parameters.indices) }
        return try channels.map { channel in
            guard let index = parameterIndex(channel) else {
                throw FCSError(.unknownChannel, file: file, keyword: channel,
                               expected: "a channel named by $PnN or $PnS: \(parameters.map(\.name).joined(separator: ", "))")
            }
            return index
        }
    }

    /// A sample holding only the parameters at `indices`, with stored or scale values.
    ///
    /// Scale values are Float64 columns with linear `$PnE 0,0` and no gain, so a reader gets the same numbers
    /// back without decoding anything; stored values keep each parameter's keywords as they were.
    public func selecting(_ indices: [Int], values scale: ValueScale) -> Sample {
        var copy = self
        copy.parameters = indices.enumerated().map { position, index in
            var parameter = parameters[index]
            parameter.index = position + 1
            if scale == .scale && needsScaling(at: index) {
                parameter.logDecades = 0
                parameter.logOffset = 0
                parameter.amplificationText = "0,0"
                parameter.gain = nil
            }
            return parameter
        }
        copy.columns = indices.map { index in
            scale == .scale && needsScaling(at: index) ? ChannelValues(scaleValues(at: index)) : columns[index]
        }
        // Per-parameter keywords refer to the old numbering: keep the sample's other keywords only.
        for entry in keywords where entry.key.uppercased().hasPrefix("$P") && entry.key.dropFirst(2).first?.isNumber == true {
            copy.keywords.remove(entry.key)
        }
        if scale == .scale && indices.contains(where: { parameters[$0].isTime && needsScaling(at: $0) }) {
            copy.keywords.set("$TIMESTEP", "1")
        }
        return copy
    }

    /// The events as CSV: a header of `$PnN`, one row per event in file order, LF line ends, RFC 4180 quoting.
    /// Each number is the shortest text that reads back as the same value of its stored type; `NaN`, `Inf` and
    /// `-Inf` are spelled so.
    public func csv(_ indices: [Int], values scale: ValueScale) -> [UInt8] {
        var out: [UInt8] = []
        out += Array(indices.map { csvQuoted(parameters[$0].name) }.joined(separator: ",").utf8)
        out.append(0x0A)
        let sources: [Either] = indices.map { index in
            scale == .scale && needsScaling(at: index) ? .doubles(scaleValues(at: index)) : .stored(columns[index])
        }
        out.reserveCapacity(out.count + eventCount * indices.count * 9)
        for event in 0..<eventCount {
            for (position, source) in sources.enumerated() {
                if position > 0 { out.append(0x2C) }
                switch source {
                case .doubles(let values): append(values[event], to: &out)
                case .stored(let column): append(column, event, to: &out)
                }
            }
            out.append(0x0A)
        }
        return out
    }

    private enum Either {
        case stored(ChannelValues)
        case doubles([Double])
    }

    private func append(_ column: ChannelValues, _ event: Int, to out: inout [UInt8]) {
        switch column.kind {
        case .float32:
            let value = column.withUnsafeBytes { $0.load(fromByteOffset: event * 4, as: Float.self) }
            out += Array(numberText(value).utf8)
        case .float64:
            append(column[event], to: &out)
        case .uint64:
            out += Array(String(column.withUnsafeBytes { $0.load(fromByteOffset: event * 8, as: UInt64.self) }).utf8)
        case .uint8, .uint16, .uint32:
            out += Array(String(Int(column[event])).utf8)
        }
    }

    private func append(_ value: Double, to out: inout [UInt8]) {
        out += Array(numberText(value).utf8)
    }
}

/// Shortest round-trip text for a Float32 or Float64 (Tables' one number convention).
func numberText<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> String { shortestText(value) }

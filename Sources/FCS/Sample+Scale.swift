/// Scale values: the numbers gates, statistics and plots work on.
///
/// The convention (FCS 3.1, and `SEMANTICS.md` §0 of the Gating-ML reference), applied in this order, exactly
/// as FlowIO's `preprocess` does:
/// 1. the time parameter (``Parameter/isTime``) is multiplied by `$TIMESTEP` when that is a number, and its
///    `$PnG` is ignored (a gain on a clock makes no sense);
/// 2. a log-amplified parameter (`$PnE f1,f2` with f1 > 0) becomes `10^(f1 · x / $PnR) · f2`, with f2 = 0 read as 1;
/// 3. a gain `$PnG` other than 0 and 1 divides the value.
/// Stored values (``Sample/columns``) are what the file holds after the integer bitmask.
extension Sample {
    /// `$TIMESTEP` as a number, or nil when absent or unreadable (Stratedigm writes `xxxxxxxxx`).
    public var timestep: Double? {
        keywords["$TIMESTEP"].flatMap { Double($0.trimmingSpaces) }
    }

    /// The scale values of the parameter at `index` (0-based).
    public func scaleValues(at index: Int) -> [Double] {
        scaleValues(at: index, events: 0..<eventCount)
    }

    /// The scale values of the parameter at `index` (0-based) for the events in `range` only.
    public func scaleValues(at index: Int, events range: Range<Int>) -> [Double] {
        guard !range.isEmpty else { return [] }
        var values = [Double](repeating: 0, count: range.count)
        columns[index].copyDoubles(from: range.lowerBound, count: range.count, into: &values, at: 0)
        let parameter = parameters[index]
        if parameter.isTime {
            if let step = timestep, step != 1 {
                for i in values.indices { values[i] *= step }
            }
            return values
        }
        if parameter.logDecades > 0 {
            let range = parameter.range ?? 0
            let offset = parameter.logOffset == 0 ? 1 : parameter.logOffset
            if range > 0 {
                // Same operation order as FlowIO, so results agree to the last bit.
                let decades = parameter.logDecades
                for i in values.indices { values[i] = pow10(decades * values[i] / range) * offset }
            }
        }
        if let gain = parameter.gain, gain != 1, gain != 0 {
            for i in values.indices { values[i] /= gain }
        }
        return values
    }

    /// The scale values of `channel` ($PnN, then $PnS).
    public func scaleValues(_ channel: String) throws -> [Double] {
        guard let index = parameterIndex(channel) else {
            _ = try values(channel)  // throws the unknown-channel error
            return []
        }
        return scaleValues(at: index)
    }

    /// Whether scale values differ from stored values for the parameter at `index`.
    public func needsScaling(at index: Int) -> Bool {
        let parameter = parameters[index]
        if parameter.isTime { return (timestep ?? 1) != 1 }
        return parameter.logDecades > 0 || (parameter.gain.map { $0 != 1 && $0 != 0 } ?? false)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@inline(__always)
func pow10(_ x: Double) -> Double { pow(10, x) }

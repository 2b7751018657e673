import Foundation
import Simulation

extension RandomSource {
    /// An independent stream for one purpose of one study: the seed and the purpose's labels hashed together.
    static func stream(_ seed: UInt64, _ labels: UInt64...) -> RandomSource {
        var mixed = seed
        for label in labels {
            var source = RandomSource(seed: mixed ^ (label &* 0x9E37_79B9_7F4A_7C15))
            mixed = source.next()
        }
        return RandomSource(seed: mixed)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// One of `options`, with probability proportional to its weight.
    mutating func choose<T>(_ options: [(T, Double)]) -> T {
        let total = options.reduce(0) { $0 + $1.1 }
        var draw = uniform() * total
        for (value, weight) in options {
            if draw < weight { return value }
            draw -= weight
        }
        return options[options.count - 1].0
    }

    /// An integer uniform on `range`.
    mutating func integer(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(uniform() * Double(range.count))
    }

    /// `values` in a random order (Fisher–Yates).
    mutating func shuffled<T>(_ values: [T]) -> [T] {
        var values = values
        guard values.count > 1 else { return values }
        for i in stride(from: values.count - 1, to: 0, by: -1) { values.swapAt(i, integer(0...i)) }
        return values
    }
}

/// ISO dates counted in days from 2023-01-01 (civil calendar, no time zone).
enum StudyCalendar {
    /// `YYYY-MM-DD` of day `offset` (0 = 2023-01-01).
    static func iso(_ offset: Int) -> String {
        let (y, m, d) = civil(offset)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// `MM/DD/YYYY`, as plate readers print dates.
    static func us(_ offset: Int) -> String {
        let (y, m, d) = civil(offset)
        return String(format: "%02d/%02d/%04d", m, d, y)
    }

    /// Howard Hinnant's days-to-civil algorithm, from the epoch 1970-01-01 (2023-01-01 is day 19,358).
    static func civil(_ offset: Int) -> (Int, Int, Int) {
        let z = offset + 19_358 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

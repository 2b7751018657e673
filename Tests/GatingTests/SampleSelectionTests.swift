import Testing
import TestSupport
@testable import Gating

/// Quickselect's order statistics against sorting the same values (the definition of a rank).
@Suite("Sample selection")
struct SampleSelectionTests {

    @Test("Every requested rank equals the sorted array's element, with ties, negatives and few distinct values",
          arguments: [1, 2, 3, 10, 101, 1000, 10_001])
    func ranksEqualSorting(count: Int) {
        var generator = SplitMix64(state: UInt64(count))
        var selection = SampleSelection()
        for distinct in [3, 1 << 40] {
            let values = (0..<count).map { _ in Double(Int(generator.next() % UInt64(distinct)) - distinct / 2) * 0.37 }
            let sorted = values.sorted()
            let ranks = [count - 1, 0, count / 2, (count - 1) / 4, count / 4, count - 1]
            let selected = values.withUnsafeBufferPointer { selection.select($0, ranks: ranks) }
            #expect(selected == ranks.map { sorted[$0] })
            let middle = count % 2 == 1 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2
            #expect(values.withUnsafeBufferPointer { selection.median($0) } == middle)
        }
    }

    @Test("Already sorted and reversed inputs (quickselect's bad cases) give the sorted ranks")
    func orderedInputs() {
        var selection = SampleSelection()
        let up = (0..<5000).map(Double.init)
        for values in [up, Array(up.reversed()), [Double](repeating: 2, count: 5000)] {
            let selected = values.withUnsafeBufferPointer { selection.select($0, ranks: [1249, 1250, 3749, 3750]) }
            #expect(selected == [1249, 1250, 3749, 3750].map { values.sorted()[$0] })
        }
    }

    @Test("−0 ranks below +0 and NaN makes every result NaN, as OrderStatistics.select")
    func signedZeroAndNaN() {
        var selection = SampleSelection()
        let zeros = [0.0, -0.0, 1, -1]
        let selected = zeros.withUnsafeBufferPointer { selection.select($0, ranks: [1, 2]) }
        #expect(selected[0] == 0 && selected[0].sign == .minus)
        #expect(selected[1] == 0 && selected[1].sign == .plus)
        let withNaN = [1.0, .nan, 3]
        let nanRanks = withNaN.withUnsafeBufferPointer { selection.select($0, ranks: [0, 2]) }
        #expect(nanRanks.count == 2 && nanRanks[0].isNaN && nanRanks[1].isNaN)
    }

    @Test("Many values: a strided sample that misrepresents them (the band misses), NaN and ±0 away from the sample")
    func bandMisses() {
        var selection = SampleSelection()
        // Zeros exactly where an evenly strided sample of 1000 values looks (every 1000/94-th), larger values
        // elsewhere: the sample puts every rank at 0, and the ranks above the zeros lie outside the band.
        let n = 1000
        let samplePositions = Set((0..<94).map { $0 * n / 94 })
        let values = (0..<n).map { samplePositions.contains($0) ? 0 : Double(n - $0) }
        let sorted = values.sorted()
        let ranks = [500, 501, 10, 999, 0, 93, 94]
        #expect(values.withUnsafeBufferPointer { selection.select($0, ranks: ranks) } == ranks.map { sorted[$0] })
        var withNaN = values
        withNaN[777] = .nan  // not a sampled position
        #expect(!samplePositions.contains(777))
        let nanRanks = withNaN.withUnsafeBufferPointer { selection.select($0, ranks: [0, 500]) }
        #expect(nanRanks.count == 2 && nanRanks.allSatisfy(\.isNaN))
        // 600 × −0 then 600 × +0: rank 599 is −0 and rank 600 is +0, as their order keys rank them.
        let zeros = [Double](repeating: -0.0, count: 600) + [Double](repeating: 0.0, count: 600)
        let middle = zeros.withUnsafeBufferPointer { selection.select($0, ranks: [599, 600]) }
        #expect(middle[0].sign == .minus && middle[1].sign == .plus)
    }

    @Test("A guess of where the wanted values lie, right, wrong or empty, gives the sorted ranks")
    func guesses() {
        var generator = SplitMix64(state: 7)
        var selection = SampleSelection()
        let values = (0..<10_000).map { _ in Double(generator.next() % 1_000_000) / 1000 }
        let sorted = values.sorted()
        let median = (sorted[4999] + sorted[5000]) / 2
        let guesses: [ClosedRange<Double>?] = [nil, (median - 1)...(median + 1), median...median, 900...950, -5...(-1),
                                               0...(-0.0), -Double.infinity...Double.infinity]
        for guess in guesses {
            #expect(values.withUnsafeBufferPointer { selection.median($0, near: guess) } == median)
            #expect(values.withUnsafeBufferPointer { selection.select($0, ranks: [2500, 2501, 7499, 7500], near: guess) }
                    == [2500, 2501, 7499, 7500].map { sorted[$0] })
        }
    }
}

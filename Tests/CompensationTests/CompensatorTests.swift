import Foundation
import Testing
import TestSupport
import FCS
@testable import Compensation

@Suite("Compensation: spillover matrices, matching and unmixing")
struct CompensatorTests {
    /// A sample whose detectors saw `true × S` exactly.
    static func sample(names: [String], markers: [String?], columns: [[Double]], keywords: [(String, String)] = []) -> Sample {
        let parameters = names.enumerated().map { Parameter(index: $0 + 1, name: $1, marker: markers[$0]) }
        return Sample(file: "test.fcs", keywords: Keywords(keywords), parameters: parameters, columns: columns.map { ChannelValues($0) })
    }

    @Test("2×2 by hand: observed = true × S, and compensation gives true back")
    func twoByTwo() throws {
        // True FITC 1000, PE 500; FITC spills 25 % into PE, PE 2 % into FITC.
        // Observed FITC = 1000 + 0.02·500 = 1010; observed PE = 0.25·1000 + 500 = 750.
        let sample = Self.sample(names: ["FITC-A", "PE-A"], markers: [nil, nil], columns: [[1010, 10], [750, 2.5]])
        let matrix = try SpilloverMatrix(fluorochromes: ["FITC-A", "PE-A"], detectors: ["FITC-A", "PE-A"],
                                         coefficients: [[1, 0.25], [0.02, 1]], source: "hand")
        let values = try Compensator(matrix: matrix, sample: sample).compensate(sample)
        #expect(values[0][0].isApproximatelyEqual(to: 1000, relativeTolerance: 1e-14))
        #expect(values[1][0].isApproximatelyEqual(to: 500, relativeTolerance: 1e-14))
        // A pure FITC event of 10 (observed 10, 2.5) has no PE after compensation.
        #expect(values[0][1].isApproximatelyEqual(to: 10, relativeTolerance: 1e-14))
        #expect(abs(values[1][1]) < 1e-14)
    }

    @Test("partial pivoting handles a zero on the diagonal")
    func pivoting() throws {
        let inverse = try LinearAlgebra.inverse([[0, 1], [1, 0]])
        #expect(inverse == [[0, 1], [1, 0]])
        let m = [[2.0, 1, 1], [4, -6, 0], [-2, 7, 2]]
        let product = LinearAlgebra.multiply(m, try LinearAlgebra.inverse(m))
        for i in 0..<3 { for j in 0..<3 { #expect(abs(product[i][j] - (i == j ? 1 : 0)) < 1e-14) } }
    }

    @Test("singular and ill-conditioned matrices are typed errors")
    func badMatrices() throws {
        let singular = try SpilloverMatrix(fluorochromes: ["A", "B"], detectors: ["A", "B"], coefficients: [[1, 1], [1, 1]], source: "s")
        #expect { try singular.unmixingMatrix() } throws: { ($0 as? CompensationError)?.code == .singular }
        let illConditioned = try SpilloverMatrix(fluorochromes: ["A", "B"], detectors: ["A", "B"], coefficients: [[1, 1], [1, 1 + 1e-14]], source: "s")
        #expect { try illConditioned.unmixingMatrix() } throws: { ($0 as? CompensationError)?.code == .illConditioned }
        #expect { try SpilloverMatrix(fluorochromes: ["A", "A"], detectors: ["A", "A"], coefficients: [[1, 0], [0, 1]], source: "s") }
            throws: { ($0 as? CompensationError)?.code == .duplicateName }
        #expect { try SpilloverMatrix(fluorochromes: ["A", "B"], detectors: ["A", "B"], coefficients: [[1, 0], [0]], source: "s") }
            throws: { ($0 as? CompensationError)?.code == .badShape }
    }

    @Test("a spectrum matrix with more detectors than dyes is solved by least squares")
    func leastSquares() throws {
        // Two dyes over three detectors; the observation is exactly true × S, so least squares recovers it.
        let s = [[1.0, 0.3, 0.05], [0.1, 1.0, 0.4]]
        let truth = [800.0, 300.0]
        let observed = (0..<3).map { j in truth[0] * s[0][j] + truth[1] * s[1][j] }
        let sample = Self.sample(names: ["D1", "D2", "D3"], markers: [nil, nil, nil], columns: observed.map { [$0] })
        let matrix = try SpilloverMatrix(fluorochromes: ["FITC", "PE"], detectors: ["D1", "D2", "D3"], coefficients: s, source: "spectrum")
        let values = try Compensator(matrix: matrix, sample: sample).compensate(sample)
        #expect(values[0][0].isApproximatelyEqual(to: 800, relativeTolerance: 1e-12))
        #expect(values[1][0].isApproximatelyEqual(to: 300, relativeTolerance: 1e-12))
    }

    @Test("matrix channels match $PnN, then $PnS, then parameter numbers (Accuri); how is reported")
    func matching() throws {
        let sample = Self.sample(names: ["FL1-A", "FL2-A", "FL3-A"], markers: ["CD14", nil, nil], columns: [[1], [2], [3]])
        let byMarker = try SpilloverMatrix(fluorochromes: ["CD14", "FL2-A"], detectors: ["CD14", "FL2-A"], coefficients: [[1, 0], [0, 1]], source: "m")
        let compensator = try Compensator(matrix: byMarker, sample: sample)
        #expect(compensator.detectorParameters.map(\.index) == [0, 1])
        #expect(compensator.detectorParameters.map(\.match) == [.marker, .name])
        let byNumber = try SpilloverMatrix(fluorochromes: ["3", "1"], detectors: ["3", "1"], coefficients: [[1, 0], [0, 1]], source: "n")
        #expect(try Compensator(matrix: byNumber, sample: sample).detectorParameters.map(\.index) == [2, 0])
        let unknown = try SpilloverMatrix(fluorochromes: ["APC-A"], detectors: ["APC-A"], coefficients: [[1]], source: "u")
        #expect { try Compensator(matrix: unknown, sample: sample) } throws: { ($0 as? CompensationError)?.code == .unmatchedChannel }
        let twice = try SpilloverMatrix(fluorochromes: ["CD14", "FL1-A"], detectors: ["CD14", "FL1-A"], coefficients: [[1, 0], [0, 1]], source: "t")
        #expect { try Compensator(matrix: twice, sample: sample) } throws: { ($0 as? CompensationError)?.code == .ambiguousMatch }
    }

    @Test("FlowJo CSV (percentages) and JSON matrices")
    func files() throws {
        let csv = try SpilloverMatrix.csv(",FITC-A,PE-A\nFITC-A,100,25\nPE-A,2,100\n", source: "comp.csv")
        #expect(csv.coefficients == [[1, 0.25], [0.02, 1]])
        #expect(csv.detectors == ["FITC-A", "PE-A"])
        #expect { try SpilloverMatrix.csv("FITC-A,PE-A\n1,x\n0,1\n", source: "bad.csv") } throws: {
            guard let error = $0 as? CompensationError else { return false }
            return error.code == .badCoefficient && error.message.contains("line 2")
        }
        let json = try SpilloverMatrix.json(Data(#"{"channels": ["A", "B"], "matrix": [[1, 0.1], [0, 1]]}"#.utf8), source: "m.json")
        #expect(json.coefficients == [[1, 0.1], [0, 1]])
    }

    @Test("on the corpus: the file's own SPILL compensates a DiVa file", .needsShared)
    func corpusSpill() throws {
        let path = try #require(SharedData.url("fcs-corpus/files/flowkit__test_comp_example.fcs")).path
        let sample = try FCSFile.readSample(path)
        let matrix = try #require(try SpilloverMatrix.fromSample(sample))
        let compensator = try Compensator(matrix: matrix, sample: sample)
        #expect(compensator.detectorParameters.allSatisfy { $0.match == .name })
        let values = compensator.compensate(sample)
        #expect(values.count == matrix.fluorochromes.count)
        #expect(values[0].count == sample.eventCount)
        // The values, against independent arithmetic: invert S by Gauss–Jordan with partial pivoting here, then
        // x · S⁻¹ per event on the detectors' scale values.
        let n = matrix.coefficients.count
        var augmented = matrix.coefficients.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(augmented[$0][column]) < abs(augmented[$1][column]) } ?? column
            augmented.swapAt(column, pivot)
            let divisor = augmented[column][column]
            augmented[column] = augmented[column].map { $0 / divisor }
            for row in 0..<n where row != column {
                let factor = augmented[row][column]
                augmented[row] = zip(augmented[row], augmented[column]).map { $0 - factor * $1 }
            }
        }
        let inverse = augmented.map { Array($0[n...]) }
        let detectors = compensator.detectorParameters.map { sample.scaleValues(at: $0.index) }
        for event in stride(from: 0, to: sample.eventCount, by: max(1, sample.eventCount / 200)) {
            for fluorochrome in 0..<n {
                let expected = (0..<n).reduce(0.0) { $0 + detectors[$1][event] * inverse[$1][fluorochrome] }
                #expect(values[fluorochrome][event].isApproximatelyEqual(to: expected, relativeTolerance: 1e-9, absoluteTolerance: 1e-9),
                        "event \(event), \(matrix.fluorochromes[fluorochrome])")
            }
        }
    }
}

/// Issue 11, item 2: the spillover CSV is read as RFC 4180 (`Tables.CSVTable`), so a matrix saved by Excel on
/// Windows (BOM, CRLF) and channel names holding commas (quoted) read as the plain file does.
@Suite("Spillover CSV: CRLF, byte-order mark and quoted names")
struct SpilloverCSVDialectTests {
    @Test("BOM, CRLF and a quoted name with a comma give the plain file's matrix")
    func windowsMatrix() throws {
        let text = "\u{FEFF}\"\",\"FITC-A, CD3\",PE-A\r\n\"FITC-A, CD3\",100,25\r\nPE-A,2,100\r\n"
        let matrix = try SpilloverMatrix.csv(text, source: "comp.csv")
        #expect(matrix.detectors == ["FITC-A, CD3", "PE-A"])
        #expect(matrix.coefficients == [[1, 0.25], [0.02, 1]])
    }

    @Test("errors name the file's line and column, counting CRLF lines and the row-name column")
    func places() throws {
        #expect { try SpilloverMatrix.csv("\u{FEFF},A,B\r\nA,1,0\r\n\r\nB,x,1\r\n", source: "bad.csv") } throws: {
            guard let error = $0 as? CompensationError else { return false }
            return error.code == .badCoefficient && error.message.hasPrefix("line 4, column 2:")
        }
        #expect { try SpilloverMatrix.csv("A,B\n\"1,0\n", source: "open.csv") } throws: {
            ($0 as? CompensationError)?.code == .unreadableMatrix
        }
    }
}

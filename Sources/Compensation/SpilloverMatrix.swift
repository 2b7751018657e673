import FCS

/// A spillover (spectrum) matrix with channel names: row `i` is fluorochrome `i`, column `j` detector `j`, and
/// the coefficient is the fraction of fluorochrome `i`'s signal seen in detector `j`.
///
/// Observed detector values are `true × S` (row vectors), so compensated values are `observed × S⁻¹`, or, when
/// the matrix has more detectors than fluorochromes (a Gating-ML spectrum matrix), the least-squares solution
/// `observed × Sᵀ (S Sᵀ)⁻¹`. For the usual square matrix from `$SPILLOVER`, fluorochromes and detectors carry
/// the same names and compensated values replace the detector channels.
public struct SpilloverMatrix: Equatable, Sendable {
    /// Row names.
    public var fluorochromes: [String]
    /// Column names.
    public var detectors: [String]
    /// Row-major coefficients, `fluorochromes.count × detectors.count`.
    public var coefficients: [[Double]]
    /// Where the matrix came from, for messages (`$SPILLOVER of a.fcs`, `comp.csv`, a Gating-ML id).
    public var source: String

    /// A matrix, checked for shape, finite coefficients and distinct names.
    public init(fluorochromes: [String], detectors: [String], coefficients: [[Double]], source: String) throws {
        guard !fluorochromes.isEmpty, coefficients.count == fluorochromes.count,
              coefficients.allSatisfy({ $0.count == detectors.count }), detectors.count >= fluorochromes.count else {
            throw CompensationError(.badShape, source: source,
                "expected \(fluorochromes.count) rows of \(detectors.count) coefficients with at least as many detectors as fluorochromes, found rows of \(coefficients.map(\.count))")
        }
        for (i, row) in coefficients.enumerated() {
            if let j = row.firstIndex(where: { !$0.isFinite }) {
                throw CompensationError(.badCoefficient, source: source, "row \(i + 1), column \(j + 1): expected a finite number, found \(row[j])")
            }
        }
        for names in [fluorochromes, detectors] {
            var seen: Set<String> = []
            for name in names where !seen.insert(name).inserted {
                throw CompensationError(.duplicateName, source: source, "expected distinct channel names, found '\(name)' twice")
            }
        }
        self.fluorochromes = fluorochromes
        self.detectors = detectors
        self.coefficients = coefficients
        self.source = source
    }

    /// The square matrix an FCS file carries in `$SPILLOVER`, `SPILL`, `$COMP` or `$DFCiTOj`.
    public init(_ spillover: Spillover, source: String) throws {
        let names = spillover.channels ?? (1...max(spillover.size, 1)).map(String.init)
        try self.init(fluorochromes: names, detectors: names, coefficients: spillover.matrix, source: source)
    }

    /// Whether fluorochromes and detectors are the same channels (the usual square compensation).
    public var isSquare: Bool { fluorochromes.count == detectors.count }

    /// The matrix that turns observed detector values into fluorochrome values: `S⁻¹`, or `Sᵀ (S Sᵀ)⁻¹`.
    ///
    /// Throws ``CompensationError/Code/singular`` for a zero pivot and ``CompensationError/Code/illConditioned``
    /// when the 1-norm condition number exceeds 1e12 (rounding would then be amplified into the data).
    public func unmixingMatrix() throws -> [[Double]] {
        let target = isSquare ? coefficients : LinearAlgebra.multiply(coefficients, LinearAlgebra.transpose(coefficients))
        let inverse: [[Double]]
        do {
            inverse = try LinearAlgebra.inverse(target)
        } catch let singular as LinearAlgebra.Singular {
            throw CompensationError(.singular, source: source, "expected an invertible matrix, found a zero pivot in column \(singular.column + 1)")
        }
        let condition = LinearAlgebra.conditionNumber(target, inverse: inverse)
        guard condition.isFinite, condition < 1e12 else {
            throw CompensationError(.illConditioned, source: source, "expected a condition number below 1e12, found \(condition)")
        }
        return isSquare ? inverse : LinearAlgebra.multiply(LinearAlgebra.transpose(coefficients), inverse)
    }
}

/// Small dense linear algebra for spillover matrices (n ≤ a few hundred): LU factorisation with partial
/// pivoting, inversion, a 1-norm condition estimate, and the least-squares (Moore–Penrose) right inverse
/// used when a Gating-ML spectrum matrix has more detectors than fluorochromes.
enum LinearAlgebra {
    struct Singular: Error { var column: Int }

    /// LU with partial pivoting of a square matrix: returns the packed LU and the row permutation.
    static func luDecompose(_ matrix: [[Double]]) throws -> (lu: [[Double]], permutation: [Int]) {
        let n = matrix.count
        var lu = matrix
        var permutation = Array(0..<n)
        for k in 0..<n {
            // The largest pivot in column k keeps the factorisation stable.
            var pivot = k
            for i in (k + 1)..<max(n, k + 1) where abs(lu[i][k]) > abs(lu[pivot][k]) { pivot = i }
            guard lu[pivot][k] != 0 else { throw Singular(column: k) }
            if pivot != k { lu.swapAt(pivot, k); permutation.swapAt(pivot, k) }
            for i in (k + 1)..<max(n, k + 1) {
                lu[i][k] /= lu[k][k]
                let factor = lu[i][k]
                if factor == 0 { continue }
                for j in (k + 1)..<n { lu[i][j] -= factor * lu[k][j] }
            }
        }
        return (lu, permutation)
    }

    /// Solves `A x = b` from the LU factors.
    static func solve(lu: [[Double]], permutation: [Int], _ b: [Double]) -> [Double] {
        let n = lu.count
        var x = permutation.map { b[$0] }
        for i in 0..<n { for j in 0..<i { x[i] -= lu[i][j] * x[j] } }
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in (i + 1)..<n { x[i] -= lu[i][j] * x[j] }
            x[i] /= lu[i][i]
        }
        return x
    }

    /// The inverse of a square matrix.
    static func inverse(_ matrix: [[Double]]) throws -> [[Double]] {
        let n = matrix.count
        let (lu, permutation) = try luDecompose(matrix)
        var columns: [[Double]] = []
        for j in 0..<n {
            var unit = [Double](repeating: 0, count: n)
            unit[j] = 1
            columns.append(solve(lu: lu, permutation: permutation, unit))
        }
        return (0..<n).map { i in (0..<n).map { j in columns[j][i] } }
    }

    /// ‖A‖₁ · ‖A⁻¹‖₁, the 1-norm condition number.
    static func conditionNumber(_ matrix: [[Double]], inverse: [[Double]]) -> Double {
        func norm1(_ m: [[Double]]) -> Double {
            guard let width = m.first?.count else { return 0 }
            return (0..<width).map { j in m.reduce(0) { $0 + abs($1[j]) } }.max() ?? 0
        }
        return norm1(matrix) * norm1(inverse)
    }

    static func transpose(_ m: [[Double]]) -> [[Double]] {
        guard let width = m.first?.count else { return [] }
        return (0..<width).map { j in m.map { $0[j] } }
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let inner = b.count, width = b.first?.count ?? 0
        return a.map { row in (0..<width).map { j in (0..<inner).reduce(0) { $0 + row[$1] * b[$1][j] } } }
    }
}

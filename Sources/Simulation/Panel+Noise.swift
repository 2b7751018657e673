extension Panel {
    /// The standard deviation of the detector noise after compensation, in `detector`'s compensated channel (index
    /// into ``fluorescence``): noise of SD `noise` added independently to each detector becomes `n · S⁻¹`, whose
    /// component j has SD `noise · √(Σᵢ (S⁻¹)ᵢⱼ²)`.
    public static func compensatedNoiseSD(detector: Int, noise: Double) -> Double {
        let inverse = inverseSpillover
        guard inverse.indices.contains(detector) else { return noise }
        return noise * inverse.reduce(0) { $0 + $1[detector] * $1[detector] }.squareRoot()
    }

    /// S⁻¹ by Gauss–Jordan elimination with partial pivoting (S is diagonally dominant, so it is well conditioned).
    static let inverseSpillover: [[Double]] = {
        let n = spillover.count
        var a = spillover
        var inverse = (0..<n).map { i in (0..<n).map { $0 == i ? 1.0 : 0.0 } }
        for column in 0..<n {
            let pivot = (column..<n).max { abs(a[$0][column]) < abs(a[$1][column]) } ?? column
            a.swapAt(column, pivot)
            inverse.swapAt(column, pivot)
            let scale = a[column][column]
            for k in 0..<n { a[column][k] /= scale; inverse[column][k] /= scale }
            for row in 0..<n where row != column {
                let factor = a[row][column]
                guard factor != 0 else { continue }
                for k in 0..<n { a[row][k] -= factor * a[column][k]; inverse[row][k] -= factor * inverse[column][k] }
            }
        }
        return inverse
    }()
}

import Foundation

/// Numbers as R prints them in test output: `digits` significant digits, trailing zeros dropped, fixed
/// notation unless scientific is narrower (R's `format` with `scipen = 0`), and p-values as `format.pval`
/// prints them (4 digits, `< 2.2e-16` below the machine epsilon).
public enum RNumberFormat {
    /// `value` with at most `digits` significant digits, e.g. 0.0002298684 → "0.0002299", 1.9252e-05 → "1.925e-05".
    public static func significant(_ value: Double, digits: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value > 0 ? "Inf" : "-Inf") }
        if value == 0 { return "0" }
        // The value rounded to `digits` significant digits, as mantissa digits and a decimal exponent.
        let scientific = String(format: "%.\(max(digits, 1) - 1)e", value)
        guard let e = scientific.firstIndex(of: "e"), let exponent = Int(scientific[scientific.index(after: e)...]) else { return scientific }
        var mantissa = String(scientific[..<e])
        if mantissa.contains(".") {
            while mantissa.hasSuffix("0") { mantissa.removeLast() }
            if mantissa.hasSuffix(".") { mantissa.removeLast() }
        }
        let significantDigits = mantissa.filter(\.isNumber).count
        let sign = value < 0 ? 1 : 0
        let exponentText = (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
        let scientificWidth = mantissa.count + 1 + exponentText.count
        let decimals = max(0, significantDigits - exponent - 1)
        let fixedWidth = sign + (exponent >= 0 ? exponent + 1 : 1) + (decimals > 0 ? decimals + 1 : 0)
        return fixedWidth <= scientificWidth ? String(format: "%.\(decimals)f", value) : mantissa + "e" + exponentText
    }

    /// "= 0.0625" or "< 2.2e-16", as after "p-value " in R's test output.
    public static func pValue(_ p: Double?) -> String {
        guard let p else { return "= NA" }
        return p < Double.ulpOfOne ? "< 2.2e-16" : "= " + significant(p, digits: 4)
    }
}

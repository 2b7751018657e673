/// FCS 2.0 `$DFCiTOj` numbers fluorescence detectors, not parameters: `$DFC1TO2` is the percent of the FL1 dye
/// seen in detector FL2. Beckman Coulter instruments name their parameters after the detector and the signal
/// (`FL1 INT LOG`, `FL1 INT LIN` on Gallios and Navios; `FL1 Log`, `FL1 Lin` on the FC 500), so detector `k` is
/// the parameter whose `$PnN` is `FLk` or starts with `FLk` followed by a space, `-` or `_`.
///
/// Reading `i`/`j` as parameter numbers would be wrong on every such file: parameter 1 is forward scatter, and the
/// Navios file's `$DFC1TO2 13.4` is the usual FITC-into-PE spill, not forward into side scatter. (FlowIO,
/// fcsparser and FlowKit do not read `$DFC` at all; LabKey takes the non-scatter, non-time parameters in order,
/// which goes wrong when a detector is recorded twice.)
///
/// A detector recorded twice (log and linear) belongs to two *families* of parameters (`INT LOG`, `INT LIN`).
/// The matrix applies to one family: the one holding the most of the matrix's detectors, on a tie the one whose
/// first parameter comes first in the file. Detectors the file does not record are left out of the matrix
/// (instruments write all ten detectors' coefficients whatever was acquired).
public enum FluorescenceDetectors {
    /// The detector number `k` and the family (the rest of the name, upper case, trimmed) of a `$PnN` like
    /// `FL1 INT LOG`, or nil when the name does not start with `FL` and a detector number.
    public static func parse(_ name: String) -> (detector: Int, family: String)? {
        let scalars = Array(name.unicodeScalars)
        guard scalars.count >= 3, scalars[0] == "F" || scalars[0] == "f", scalars[1] == "L" || scalars[1] == "l" else { return nil }
        var end = 2
        var number = 0
        while end < scalars.count, end < 6, ("0"..."9").contains(scalars[end]) {
            number = number * 10 + Int(scalars[end].value - 48)
            end += 1
        }
        guard end > 2, number >= 1 else { return nil }
        if end < scalars.count {
            guard [" ", "-", "_"].contains(scalars[end]) else { return nil }
        }
        let family = String(String.UnicodeScalarView(scalars[end...])).trimmingCharacters(in: " -_").uppercased()
        return (number, family)
    }

    /// The parameter (0-based index) that stands for each detector number in `detectors`, from one family.
    public static func parameters(for detectors: [Int], in sample: Sample) -> [Int: Int] {
        var families: [String: (first: Int, members: [Int: Int])] = [:]
        let wanted = Set(detectors)
        for (index, parameter) in sample.parameters.enumerated() {
            guard let (detector, family) = parse(parameter.name), wanted.contains(detector) else { continue }
            var entry = families[family] ?? (first: index, members: [:])
            if entry.members[detector] == nil { entry.members[detector] = index }
            families[family] = entry
        }
        let best = families.values.max { a, b in
            a.members.count != b.members.count ? a.members.count < b.members.count : a.first > b.first
        }
        return best?.members ?? [:]
    }
}

extension String {
    /// The string without leading and trailing characters from `set`.
    fileprivate func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

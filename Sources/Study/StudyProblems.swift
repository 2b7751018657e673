/// Everything wrong with a study's inputs, found before any file is gated or any plate fitted: the template, the
/// sample and clinical sheets, runs.csv, and the plate ids that must agree between runs.csv and samples.csv.
public struct StudyProblems: Error, Sendable, CustomStringConvertible {
    /// Each problem, with its file and place.
    public var problems: [String]

    /// The problems, one a line.
    public init(_ problems: [String]) { self.problems = problems }

    public var description: String {
        "flowstudy study: \(problems.count) problem\(problems.count == 1 ? "" : "s") in the study's inputs; nothing run\n"
            + problems.map { "  " + $0.replacingOccurrences(of: "\n", with: "\n  ") }.joined(separator: "\n")
    }
}

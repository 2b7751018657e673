import Foundation

/// Where an outcomes run read its inputs: the two sheets, the batch folder (`markers.csv`, `run.json`), the ELISA
/// folder (`concentrations.csv`, `curves.json`, `run.json`) and, optionally, the review gallery.
public struct StudyInputs: Sendable, Codable, Equatable {
    /// `clinical.csv`.
    public var clinical: String
    /// `samples.csv`.
    public var samples: String
    /// The batch output folder.
    public var flow: String
    /// The ELISA output folder.
    public var elisa: String
    /// The review gallery folder, if given.
    public var review: String?

    /// The inputs, stored as absolute paths (a study folder may be read from elsewhere later).
    public init(clinical: String, samples: String, flow: String, elisa: String, review: String?) {
        func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }
        self.clinical = absolute(clinical)
        self.samples = absolute(samples)
        self.flow = absolute(flow)
        self.elisa = absolute(elisa)
        self.review = review.map(absolute)
    }

    /// The batch's `markers.csv`.
    public var markers: String { flow + "/markers.csv" }
    /// The ELISA's `concentrations.csv`.
    public var concentrations: String { elisa + "/concentrations.csv" }
}

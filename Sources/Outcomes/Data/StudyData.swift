/// The study's inputs as typed, validated and joined values: the subjects of `clinical.csv`, the samples of
/// `samples.csv`, the markers of the batch's `markers.csv` and the concentrations of the ELISA's
/// `concentrations.csv`, with the results the sheet expected but did not get.
public struct StudyData: Sendable {
    /// A result the sample sheet expects and the result files lack: reported as missing, never dropped silently.
    public struct MissingResult: Sendable, Equatable, Hashable {
        /// The culture sample.
        public var sampleID: String
        /// The readout: an analyte or a marker.
        public var readout: String
        /// Why it is missing.
        public var reason: String

        /// `readout` of `sampleID` missing for `reason`.
        public init(sampleID: String, readout: String, reason: String) {
            self.sampleID = sampleID
            self.readout = readout
            self.reason = reason
        }
    }

    /// Subjects by id, in sheet order in ``subjectOrder``.
    public var subjects: [String: Subject]
    /// Subject ids in `clinical.csv` order.
    public var subjectOrder: [String]
    /// Samples (culture samples and control tubes) in sheet order.
    public var samples: [CultureSample]
    /// Study marker readouts per (sample id, marker).
    public var markers: [String: [StudyMarker: MarkerResult]]
    /// Selected concentration results per (sample id, analyte).
    public var concentrations: [String: [Analyte: ConcentrationResult]]
    /// The analyte each plate measured, from `concentrations.csv`.
    public var plateAnalytes: [String: Analyte]
    /// The markers present in `markers.csv`, in table order.
    public var measuredMarkers: [StudyMarker]
    /// Results the sheet expects that the result files lack.
    public var missing: [MissingResult]

    /// Reads and joins the four files. Every problem of every file is collected and thrown at once as
    /// ``StudyDataProblems``; a file that cannot be read or lacks a result file's columns throws ``OutcomesError``.
    /// A sheet refused as a whole (a header problem) is not checked against: its rows would only repeat that problem.
    public static func load(clinical: String, samples: String, markers: String, concentrations: String) throws -> StudyData {
        let sheets = try readSheets(clinical: clinical, samples: samples)
        let (subjectList, sampleList) = (sheets.subjects, sheets.samples)
        let subjects = Dictionary(subjectList.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let flow = try MarkerResult.read(markers: markers)
        let elisa = try ConcentrationResult.read(concentrations: concentrations)
        let bySample = Dictionary(sampleList.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var problems = sheets.problems + flow.problems + elisa.problems
        if sheets.plates != nil {
            problems += (flow.identities + elisa.identities).compactMap { Self.check($0, against: bySample, sheet: samples) }
        }
        guard problems.isEmpty else { throw StudyDataProblems(problems) }

        var data = StudyData(subjects: subjects, subjectOrder: subjectList.map(\.id), samples: sampleList, markers: [:],
                             concentrations: [:], plateAnalytes: elisa.plateAnalytes, measuredMarkers: [], missing: [])
        for result in flow.results { data.markers[result.sampleID, default: [:]][result.marker] = result }
        for result in elisa.results { data.concentrations[result.sampleID, default: [:]][result.analyte] = result }
        data.measuredMarkers = Set(flow.results.map(\.marker)).sorted()
        data.missing = data.expectedButAbsent()
        return data
    }

    /// Checks the clinical and sample sheets alone, before any result exists: every problem of both (empty when
    /// both are valid) and the ELISA plate ids the sample sheet names — nil when the sample sheet is refused as a
    /// whole, so that nothing is checked against it. Throws ``OutcomesError`` for a sheet that cannot be read.
    public static func checkSheets(clinical: String, samples: String) throws -> (plates: Set<String>?, problems: [StudyDataProblems.Problem]) {
        let sheets = try readSheets(clinical: clinical, samples: samples)
        return (sheets.plates, sheets.problems)
    }

    /// Both sheets, the sample sheet checked against the clinical one unless that is refused as a whole; `plates`
    /// is nil when the sample sheet is refused as a whole.
    static func readSheets(clinical: String, samples: String)
    throws -> (subjects: [Subject], samples: [CultureSample], plates: Set<String>?, problems: [StudyDataProblems.Problem]) {
        let (subjectList, unread, clinicalProblems) = try Subject.read(clinical: clinical)
        let subjects = clinicalProblems.contains(where: \.refusesSheet)
            ? nil : Dictionary(subjectList.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let (sampleList, plates, sampleProblems) = try CultureSample.read(samples: samples, subjects: subjects, unreadSubjects: unread)
        return (subjectList, sampleList, sampleProblems.contains(where: \.refusesSheet) ? nil : plates, clinicalProblems + sampleProblems)
    }

    /// A problem when a result names a sample the sheet lacks, or a subject or condition other than the sheet's.
    static func check(_ identity: ResultIdentity, against samples: [String: CultureSample], sheet: String) -> StudyDataProblems.Problem? {
        guard let sample = samples[identity.sampleID] else {
            return .init(.unknownReference, file: identity.file, line: identity.line, column: "sample_id", value: identity.sampleID,
                         allowed: "a sample_id of \(sheet)")
        }
        if let subject = identity.subjectID, subject != sample.subjectID {
            return .init(.contradiction, file: identity.file, line: identity.line, column: "subject_id", value: subject,
                         allowed: "\(sample.subjectID), as \(sheet) line \(sample.line) says")
        }
        if let condition = identity.condition, condition != sample.condition.rawValue {
            return .init(.contradiction, file: identity.file, line: identity.line, column: "condition", value: condition,
                         allowed: "\(sample.condition.rawValue), as \(sheet) line \(sample.line) says")
        }
        return nil
    }

    /// The culture samples' expected results that are absent: every measured study marker for a sample with an
    /// FCS file, and the analyte of every plate the sample lists.
    func expectedButAbsent() -> [MissingResult] {
        var missing: [MissingResult] = []
        for sample in samples where sample.isCulture {
            if sample.fcsFile != nil {
                for marker in measuredMarkers where markers[sample.id]?[marker] == nil {
                    missing.append(.init(sampleID: sample.id, readout: marker.rawValue, reason: "no row in markers.csv"))
                }
            }
            for plate in sample.elisaPlateIDs {
                guard let analyte = plateAnalytes[plate] else {
                    missing.append(.init(sampleID: sample.id, readout: plate, reason: "plate \(plate) has no row in concentrations.csv"))
                    continue
                }
                if concentrations[sample.id]?[analyte] == nil {
                    missing.append(.init(sampleID: sample.id, readout: analyte.rawValue, reason: "no row of plate \(plate) in concentrations.csv"))
                }
            }
        }
        return missing
    }

    /// The culture samples of `arm`.
    public func cultureSamples(in arm: StudyArm) -> [CultureSample] {
        samples.filter { $0.isCulture && $0.arm == arm }
    }
}

import Foundation

/// The study's inputs as typed, validated and joined values: the subjects of `clinical.csv`, the samples of
/// `samples.csv`, the markers of the batch's `markers.csv` and the concentrations of the ELISA's
/// `concentrations.csv`, with the results the sheet expected but did not get.
///
/// What is expected comes from the sample sheet and the panel of study markers the gating template reads, never
/// from the result files: a batch whose every tube failed writes a `markers.csv` without rows, and each of its
/// culture samples still misses every readout of the panel.
public struct StudyData: Sendable {
    /// A result the sample sheet expects and the result files lack: reported as missing, never dropped silently.
    public struct MissingResult: Sendable, Equatable, Hashable {
        /// What the missing result is of.
        public enum Expected: Sendable, Equatable, Hashable {
            /// A readout of the sample (a concentration, or a flow readout of a panel marker).
            case readout(Readout)
            /// The result of an ELISA plate the sample lists that has no row in `concentrations.csv`: its analyte is
            /// unknown, so it may be any concentration's.
            case plate(String)
        }

        /// The culture sample.
        public var sampleID: String
        /// What is missing.
        public var expected: Expected
        /// Why it is missing.
        public var reason: String

        /// The result of `expected` for `sampleID`, missing for `reason`.
        public init(sampleID: String, expected: Expected, reason: String) {
            self.sampleID = sampleID
            self.expected = expected
            self.reason = reason
        }

        /// What is missing as the tables name it: the readout's ``Readout/name`` (`CCL18`, `CD206 MFI`,
        /// `CD206 percent_positive`), or the plate id.
        public var readout: String {
            switch expected {
            case .readout(let readout): readout.name
            case .plate(let id): id
            }
        }

        /// Whether this is the missing result of `readout` for `sample`: the readout's own, or, for a
        /// concentration, that of a plate the sample lists whose analyte is unknown (it may have been this one).
        /// A plate id that reads like a readout's name is still a plate.
        func isResult(of readout: Readout, for sample: CultureSample) -> Bool {
            guard sampleID == sample.id else { return false }
            switch expected {
            case .readout(let missing): return missing == readout
            case .plate(let id): return readout.isConcentration && sample.elisaPlateIDs.contains(id)
            }
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
    /// The study markers the gating template reads (the panel of the marker tables), in table order: every
    /// culture sample with an FCS file expects both readouts of each, whether `markers.csv` has its rows or not.
    public var measuredMarkers: [StudyMarker]
    /// Results the sheet expects that the result files lack.
    public var missing: [MissingResult]

    /// Reads and joins the four files. `panel` is the study markers the template reads (what each culture
    /// sample's FCS tube is expected to give); `tubeFailures` the batch's error per sample id (`errors.csv`: code
    /// and message), which the missing results quote. Every problem of every file is collected and thrown at once as
    /// ``StudyDataProblems``; a file that cannot be read or lacks a result file's columns throws ``OutcomesError``.
    /// A sheet refused as a whole (a header problem) is not checked against: its rows would only repeat that problem.
    public static func load(clinical: String, samples: String, markers: String, concentrations: String,
                            panel: [StudyMarker], tubeFailures: [String: String] = [:]) throws -> StudyData {
        let sheets = try readSheets(clinical: clinical, samples: samples)
        let (subjectList, sampleList) = (sheets.subjects, sheets.samples)
        let subjects = Dictionary(subjectList.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let flow = try MarkerResult.read(markers: markers)
        let elisa = try ConcentrationResult.read(concentrations: concentrations)
        let bySample = Dictionary(sampleList.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var problems = sheets.problems + flow.problems + elisa.problems
        // A study marker the panel lacks would be read and never shown: one problem per marker, at its first row.
        var outside: [StudyMarker: (line: Int, rows: Int)] = [:]
        for result in flow.results where !panel.contains(result.marker) {
            outside[result.marker] = (outside[result.marker]?.line ?? result.line, (outside[result.marker]?.rows ?? 0) + 1)
        }
        for (marker, first) in outside.sorted(by: { $0.value.line < $1.value.line }) {
            problems.append(.init(.unknownValue, file: markers, line: first.line, column: "marker", value: marker.rawValue,
                                  allowed: "a study marker of the gating template's readouts (\(Set(panel).sorted().map(\.rawValue).joined(separator: ", "))); "
                                           + "\(first.rows) row\(first.rows == 1 ? "" : "s") of it would be left out of every table"))
        }
        if sheets.plates != nil {
            let references = (flow.identities + elisa.identities).compactMap { Self.check($0, against: bySample, sheet: samples) }
            // A row of a sample the sheet lacks is reported as that alone: its missing selection follows from it.
            let refused = Set(references.filter { $0.kind == .unknownReference }.map { "\($0.file)\u{1F}\($0.line)" })
            problems.removeAll { $0.kind == .selection && refused.contains("\($0.file)\u{1F}\($0.line)") }
            problems += references
        }
        guard problems.isEmpty else { throw StudyDataProblems(problems) }

        var data = StudyData(subjects: subjects, subjectOrder: subjectList.map(\.id), samples: sampleList, markers: [:],
                             concentrations: [:], plateAnalytes: elisa.plateAnalytes, measuredMarkers: [], missing: [])
        for result in flow.results { data.markers[result.sampleID, default: [:]][result.marker] = result }
        for result in elisa.results { data.concentrations[result.sampleID, default: [:]][result.analyte] = result }
        data.measuredMarkers = Set(panel).sorted()
        data.missing = data.expectedButAbsent(markersFile: markers, concentrationsFile: concentrations, tubeFailures: tubeFailures)
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

    /// The culture samples' expected results without a value: both readouts of every panel marker for a sample
    /// with an FCS file, and the analyte of every plate the sample lists. A row whose value is absent (`NA`, an
    /// empty `value_for_stats` without an exclusion) is missing as much as an absent row; the reason says which, and
    /// quotes the batch's error for a tube that failed. The footnotes' per-readout lists are these same results.
    func expectedButAbsent(markersFile: String, concentrationsFile: String, tubeFailures: [String: String]) -> [MissingResult] {
        var missing: [MissingResult] = []
        // The files by name: the list sits beside the tables, and a study reads them in a staging folder.
        let markersFile = URL(fileURLWithPath: markersFile).lastPathComponent
        let concentrationsFile = URL(fileURLWithPath: concentrationsFile).lastPathComponent
        for sample in samples where sample.isCulture {
            if sample.fcsFile != nil {
                for marker in measuredMarkers {
                    for flow in FlowReadout.allCases {
                        let readout = Readout.flow(marker, flow)
                        guard observation(readout, sample: sample).isAbsent else { continue }
                        let reason: String
                        if let row = markers[sample.id]?[marker] {
                            reason = "\(flow == .mfi ? "mfi" : "percent_positive") is absent (NA or empty) on \(markersFile) line \(row.line)"
                                + (row.flags.isEmpty ? "" : " (flags: \(row.flags.joined(separator: ";")))")
                        } else if let failure = tubeFailures[sample.id] {
                            reason = "the batch could not read the tube (\(failure))"
                        } else {
                            reason = "no row in \(markersFile)"
                        }
                        missing.append(.init(sampleID: sample.id, expected: .readout(readout), reason: reason))
                    }
                }
            }
            for plate in sample.elisaPlateIDs {
                guard let analyte = plateAnalytes[plate] else {
                    missing.append(.init(sampleID: sample.id, expected: .plate(plate), reason: "plate \(plate) has no row in \(concentrationsFile)"))
                    continue
                }
                guard observation(.concentration(analyte), sample: sample).isAbsent else { continue }
                let reason = concentrations[sample.id]?[analyte].map { "value_for_stats is empty on \(concentrationsFile) line \($0.line)" }
                    ?? "no row of plate \(plate) in \(concentrationsFile)"
                missing.append(.init(sampleID: sample.id, expected: .readout(.concentration(analyte)), reason: reason))
            }
        }
        return missing
    }

    /// The missing result of `readout` for `sample` among `missing` (the sample's, by default all): its own, or,
    /// for an analyte, that of a plate the sample lists whose analyte is unknown (it may have been this one). Nil
    /// when the result was not expected (no FCS file, no plate of the analyte, a marker outside the panel) or is there.
    public func missingResult(_ readout: Readout, of sample: CultureSample, among missing: [MissingResult]? = nil) -> MissingResult? {
        (missing ?? self.missing).first { $0.isResult(of: readout, for: sample) }
    }

    /// The culture samples of `arm`.
    public func cultureSamples(in arm: StudyArm) -> [CultureSample] {
        samples.filter { $0.isCulture && $0.arm == arm }
    }
}

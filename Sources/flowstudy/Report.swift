import ArgumentParser
import Foundation
import Outcomes
import Reports
import Study
import Tables

/// `flowstudy report`: pages of the study report, from a study output folder.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pages of the study report.", subcommands: [Patient.self])

    /// `flowstudy report patient --study DIR --subject ID [-o FILE]`: one subject's page, as `flowstudy outcomes`
    /// writes it into `report/subjects/`, but standalone (gate plots embedded), from the inputs the run recorded.
    struct Patient: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One subject's page: clinical summary, analytes and markers untreated vs treated, gate plots.",
            discussion: """
            --study is a flowstudy outcomes output folder (or a study folder holding one in outcomes/): its \
            outcomes_run.json names the sheets, the batch, the ELISA and review folders, which are read again. The page \
            is self-contained (gate plots embedded). --batch (the marker report of a batch folder) was replaced by this \
            page, which reads the study's data model; give the outcomes folder with --study.
            """)

        @Option(help: "A flowstudy outcomes output folder (holding outcomes_run.json).")
        var study: String?

        @Option(help: .hidden)
        var batch: String?

        @Option(help: "The subject id.")
        var subject: String

        @Option(name: .shortAndLong, help: "Output .html (default: standard output).")
        var output: String?

        func validate() throws {
            if batch != nil {
                throw ValidationError("--batch was removed: the patient page now comes from a study output folder; run flowstudy outcomes (with --review for gate plots) and give its --out folder as --study")
            }
            if study == nil { throw ValidationError("give --study DIR, a flowstudy outcomes output folder") }
            if let output, output != "-", !output.hasSuffix(".html") { throw ValidationError("-o must end in .html") }
        }

        func run() throws {
            guard let study else { throw ExitCode.validationFailure }
            let folder = FileManager.default.fileExists(atPath: study + "/" + Provenance.fileName) ? study : study + "/outcomes"
            // Every typed error ends with a documented exit code (64 sheet problems, 65 unusable input), as in `outcomes`.
            try reportingStudyErrors {
                // The recorded hashes are checked first: a page from edited inputs would contradict the tables.
                let (inputs, recordedPanel) = try Provenance.verifiedRecord(in: folder)
                try checkOutputs(files: [output], inputs: [inputs.clinical, inputs.samples, inputs.markers, inputs.concentrations])
                let panel = try recordedPanel ?? StudyPanel.markers(ofBatch: inputs.flow)
                let data = try StudyData.load(clinical: inputs.clinical, samples: inputs.samples, markers: inputs.markers,
                                              concentrations: inputs.concentrations, panel: panel, tubeFailures: FCSFileQC.failures(flow: inputs.flow))
                guard data.subjects[subject] != nil else {
                    // A bad argument value, like any other usage error.
                    printError("flowstudy: --subject: no subject '\(subject)' in \(inputs.clinical) (subjects: \(data.subjectOrder.prefix(20).joined(separator: ", "))\(data.subjectOrder.count > 20 ? ", …" : ""))")
                    throw ExitCode.validationFailure
                }
                let gallery = try inputs.review.map { try GalleryImages(review: $0) }
                let report = StudyReport(outcomes: try StudyOutcomes(data), provenance: Provenance(inputs: inputs, flowstudyVersion: FlowStudy.configuration.version, panel: panel),
                                         gallery: gallery)
                // Every gate plot is read before the page is made: one that cannot be read is an error (exit 65 naming
                // the file), not a blank picture on a patient's page.
                let images = report.subjectImages(subject)
                var inlined: [String: String] = [:]
                for image in images where inlined[image.path] == nil {
                    inlined[image.path] = "data:image/png;base64," + Data(try InputFile.bytes(image.path)).base64EncodedString()
                }
                let page = report.subjectPage(subject, images: images) { inlined[$0.path] ?? "" }
                try FileHandleOutput.emit(Array(page.utf8), to: output)
            }
        }
    }
}

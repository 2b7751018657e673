import ArgumentParser
import FCS
import Foundation
import Reports

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Reports from batch outputs.", subcommands: [Patient.self])

    struct Patient: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A patient's markers: MFI, ΔMFI and % positive, untreated beside ruxolitinib, with counts and QC flags.")

        @Option(help: "A batch output folder.")
        var batch: String

        @Option(help: "The subject id.")
        var subject: String

        @Option(name: .shortAndLong, help: "Output .html or .md (default: Markdown on standard output).")
        var output: String?

        func validate() throws {
            if let output, output != "-", !(output.hasSuffix(".html") || output.hasSuffix(".md")) {
                throw ValidationError("-o must end in .html or .md")
            }
        }

        func run() throws {
            let batchFiles = ["markers.csv", "qc.csv", "populations.csv", "run.json"].map { (batch as NSString).appendingPathComponent($0) }
            try checkOutputs(files: [output], inputs: batchFiles)
            do {
                let report = try PatientReport(batch: batch, subject: subject)
                let text = output?.hasSuffix(".html") == true ? report.html() : report.markdown()
                try FileHandleOutput.emit(Array(text.utf8), to: output)
            } catch let error as PatientReport.ReportError {
                printError("flowstudy: \(error)")
                throw badInputData
            }
        }
    }
}

import Tables
import ArgumentParser
import Batch
import FCS
import Foundation
import Gating

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check and convert gating templates (JSON flowstudy-gating/1, Gating-ML 2.0).",
        subcommands: [Validate.self, Convert.self, ImportWSP.self, ExportWSP.self])

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report every problem of a template with its JSON path and line; with --sample, also channels and markers the sample lacks.")

        @Argument(help: "The template (.json or .xml).")
        var template: String

        @Option(help: "An FCS file the template must fit.")
        var sample: String?

        @OptionGroup var reading: ReadingOptions

        func run() throws {
            // Problems of the template itself are listed by the reader (every one, with its path).
            let loaded = try reportingInputErrors { try loadTemplate(template) }
            var lines = ["\(template): OK (\(loaded.strategy.resultIDs.count) populations)"]
            if let sample {
                let fcs = try reportingInputErrors { try FCSFile.readSample(sample, options: reading.options) }
                let problems = TemplateCheck.problems(loaded, on: fcs)
                guard problems.isEmpty else {
                    // Nothing is said to be OK when anything failed.
                    printError("\(template) on \(sample): \(problems.count) problem\(problems.count == 1 ? "" : "s")\n"
                               + problems.map { "  \($0)" }.joined(separator: "\n"))
                    throw badInputData
                }
                lines += TemplateCheck.report(loaded, on: fcs)
            }
            for line in lines { say(line) }
        }
    }

    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a JSON template to Gating-ML 2.0 (T.json -o T.xml) or back (T.xml -o T.json); population ids are kept.")

        @Argument(help: "The template to convert.")
        var input: String

        @Option(name: .shortAndLong, help: "Output: .xml for Gating-ML, .json for a FlowStudy template.")
        var output: String

        func validate() throws {
            guard output.hasSuffix(".xml") || output.hasSuffix(".json") else {
                throw ValidationError("-o must end in .xml or .json")
            }
        }

        func run() throws {
            try checkOutputs(files: [output], inputs: [input])
            do {
                let template = try loadTemplate(input)
                let text = output.hasSuffix(".xml")
                    ? try GatingMLWriter.document(template.strategyWithPanelChannels(), template: template)
                    : try TemplateWriter.readableJSON(template, source: input, folder: (output as NSString).deletingLastPathComponent)
                try AtomicFile.write(text, to: output)
            } catch let error as TemplateError {
                printError(error.description); throw ExitCode.validationFailure
            } catch let error as GatingMLError {
                printError(error.description); throw ExitCode.validationFailure
            } catch let error as GatingError {
                printError("\(input): \(error)"); throw badInputData
            } catch let error as FCSError {
                printError("flowstudy: \(error)"); throw badInputData
            }
        }
    }
}

/// `template import-wsp`: a FlowJo 10 workspace's gates as a template; `--check` compares counts with FlowJo's.
struct ImportWSP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-wsp",
        abstract: "Import a FlowJo 10 workspace's gates (--group NAME or --sample NAME) as a JSON template; what cannot be imported is listed with its XML path.")

    @Argument(help: "The FlowJo workspace (.wsp).")
    var workspace: String

    @Option(help: "Take the gates owned by this group.")
    var group: String?

    @Option(help: "Take this sample's gates (SampleNode/@name).")
    var sample: String?

    @Option(name: .shortAndLong, help: "The template to write (.json).")
    var output: String

    @Option(help: "Gate the workspace's FCS files found here by SampleNode/@name and compare with FlowJo's saved counts (exit 2 when some differ).")
    var check: String?

    @OptionGroup var reading: ReadingOptions

    func run() throws {
        let overridesPath = GateOverrides.defaultPath(forTemplate: output)
        try checkOutputs(files: [output, group == nil ? nil : overridesPath], inputs: [workspace])
        let parsed: FlowJoWorkspace, imported: FlowJoWorkspace.Imported
        do {
            parsed = try FlowJoWorkspace.read(contentsOf: workspace)
            imported = try parsed.template(group: group, sample: sample)
        } catch let error as FlowJoError {
            printError(error.description); throw ExitCode.validationFailure
        }
        for warning in imported.warnings { printError("flowstudy: warning: \(warning)") }
        let text: String
        do {
            text = try TemplateWriter.readableJSON(imported.template, source: workspace, folder: (output as NSString).deletingLastPathComponent)
        } catch let error as TemplateError {
            printError(error.description); throw ExitCode.validationFailure
        }
        try AtomicFile.write(text, to: output)
        say("\(output): \(imported.template.strategy.populations.count) populations from \(imported.sample.name)")
        var overrides = imported.overrides
        if !overrides.isEmpty {
            overrides.template = (output as NSString).lastPathComponent
            try AtomicFile.write(GateOverrides.json(overrides), to: overridesPath)
            let samples = Set(overrides.overrides.map(\.sampleID))
            say("\(overridesPath): \(overrides.overrides.count) sample-specific gate\(overrides.overrides.count == 1 ? "" : "s") of \(samples.count) sample\(samples.count == 1 ? "" : "s")")
        } else if group != nil, FileManager.default.fileExists(atPath: overridesPath) {
            printError("flowstudy: warning: \(overridesPath) exists but this workspace has no sample-specific gates; the batch would still apply it")
        }
        guard let check else { return }
        let compared = try reportingInputErrors {
            try parsed.compareCounts(imported, group: group, sample: sample, folder: check, reading: reading.options)
        }
        for name in compared.missing { printError("flowstudy: warning: \(name) is not in \(check); not checked") }
        // FlowJo's count is an empty cell where the workspace holds none.
        let rows = compared.comparisons.map { [$0.sample, $0.path, "\($0.flowStudy)", $0.flowJo.map(String.init) ?? ""] }
        try FileHandleOutput.emit(csvTable(header: ["sample", "population", "flowstudy", "flowjo"], rows: rows), to: nil)
        let differ = compared.comparisons.filter(\.differs).map { "\($0.sample) \($0.path): FlowStudy \($0.flowStudy), FlowJo \($0.flowJo.map(String.init) ?? "")" }
        if !differ.isEmpty {
            printError("\(differ.count) \(differ.count == 1 ? "count differs" : "counts differ") from FlowJo's:\n" + differ.map { "  \($0)" }.joined(separator: "\n"))
            throw ExitCode(2)
        }
    }
}

/// `template export-wsp`: a template over a set of FCS files as a FlowJo 10 workspace.
struct ExportWSP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-wsp",
        abstract: "Write a template over FCS files (a sample sheet or a folder) as a FlowJo 10 workspace: one group owning the gates, transforms, the compensation matrix; the template rides along in a group keyword.")

    @Argument(help: "The template (.json or .xml).")
    var template: String

    @Option(help: "The FCS files: a sample sheet (samples.csv) or a folder.")
    var samples: String

    @Option(name: .shortAndLong, help: "The workspace to write (.wsp).")
    var output: String

    @Option(help: "The FlowJo group that owns the gates.")
    var group = "FlowStudy"

    @OptionGroup var reading: ReadingOptions

    func run() throws {
        let loaded = try reportingInputErrors { try loadTemplate(template) }
        let sheet = try reportingInputErrors { try loadSampleSheet(samples, quiet: true, template: loaded) }
        try checkOutputs(files: [output], inputs: [template, samples] + sheet.entries.map(\.file))
        var options = reading.options
        options.readEvents = false
        var files: [FlowJoWorkspaceWriter.SampleFile] = []
        for entry in sheet.entries {
            // Two files of one name are refused by the writer: FlowJo finds a sample's file by this name.
            let name = (entry.file as NSString).lastPathComponent
            let fcs = try reportingInputErrors { try FCSFile.readSample(entry.file, options: options) }
            files.append(.init(name: name, uri: URL(fileURLWithPath: entry.file).standardizedFileURL.absoluteString, sample: fcs))
        }
        let written: FlowJoWorkspaceWriter.Output
        do {
            written = try FlowJoWorkspaceWriter.document(loaded, samples: files, group: group, file: template)
        } catch let error as FlowJoError {
            printError(error.description); throw ExitCode.validationFailure
        }
        for note in written.notes { printError("flowstudy: note: \(note)") }
        try AtomicFile.write(written.xml, to: output)
        say("\(output): \(files.count) sample\(files.count == 1 ? "" : "s"), \(loaded.strategy.resultIDs.count) populations in group '\(group)'")
    }
}

/// A JSON template, or a Gating-ML document wrapped as one; what the reader assumed is said on stderr.
func loadTemplate(_ path: String) throws -> GatingTemplate {
    let loaded = try TemplateLoader.load(path)
    for warning in loaded.warnings { printError("flowstudy: warning: \(warning)") }
    return loaded.template
}

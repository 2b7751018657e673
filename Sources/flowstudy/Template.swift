import Tables
import ArgumentParser
import FCS
import Foundation
import Gating

struct Template: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check and convert gating templates (JSON flowstudy-gating/1, Gating-ML 2.0).",
        subcommands: [Validate.self, Convert.self])

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
                    : TemplateWriter.json(template)
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

/// A JSON template, or a Gating-ML document wrapped as one; what the reader assumed is said on stderr.
func loadTemplate(_ path: String) throws -> GatingTemplate {
    let loaded = try TemplateLoader.load(path)
    for warning in loaded.warnings { printError("flowstudy: warning: \(warning)") }
    return loaded.template
}

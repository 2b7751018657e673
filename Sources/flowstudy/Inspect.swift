import ArgumentParser
import FCS
import Foundation

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show an FCS file's version, cytometer, events, data sets, channels, spillover and repairs.")

    @Argument(help: "FCS files (.fcs, .lmd, .fcs.gz …).")
    var files: [String]

    @Flag(help: "Print JSON (schema: docs/inspect.schema.json).")
    var json = false

    @Flag(help: "List every keyword too.")
    var keywords = false

    @OptionGroup var reading: ReadingOptions

    func run() throws {
        var reports: [Inspection] = []
        var failed = false
        for file in files {
            do {
                var options = reading.options
                options.readEvents = false
                reports.append(Inspection(try FCSFile.read(file, options: options), keywords: keywords))
            } catch let error as FCSError {
                printError("flowstudy: \(error)")
                failed = true
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(reports)
            FileHandleOutput.write(Array(data) + [0x0A], to: 1)
        } else {
            FileHandleOutput.write(terminalSafe(reports.map(\.text).joined(separator: "\n")), to: 1)
        }
        if failed { throw badInputData }
    }
}

/// Reader leniency shared by every command that reads FCS files (inspect, export, gate, batch, plot, review,
/// template validate --sample, template import-wsp --check, template export-wsp, edit, study).
struct ReadingOptions: ParsableArguments {
    @Option(help: "When HEADER and TEXT give different DATA offsets that both fit: strict (stop), header or text.")
    var dataOffsets: FCSReadOptions.OffsetPreference = .strict

    @Option(help: "A supplemental TEXT that cannot be read (outside the file, overlapping TEXT, malformed): ignore (recorded as a repair) or strict (stop).")
    var supplementalText: FCSReadOptions.SupplementalTextPolicy = .ignore

    @Flag(help: ArgumentHelp("The same as --supplemental-text ignore (the default; kept for old scripts).", visibility: .hidden))
    var ignoreBadSupplementalText = false

    func validate() throws {
        // The old flag means ignore: given beside strict, one of the two would be silently overruled.
        if ignoreBadSupplementalText && supplementalText == .strict {
            throw ValidationError("--ignore-bad-supplemental-text and --supplemental-text strict contradict each other: give one")
        }
    }

    var options: FCSReadOptions {
        var options = FCSReadOptions()
        options.offsetPreference = dataOffsets
        options.supplementalText = ignoreBadSupplementalText ? .ignore : supplementalText
        return options
    }
}

extension FCSReadOptions.OffsetPreference: ExpressibleByArgument {}
extension FCSReadOptions.SupplementalTextPolicy: ExpressibleByArgument {}
extension ValueScale: ExpressibleByArgument {}

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

/// Reader leniency shared by every command that reads FCS files.
struct ReadingOptions: ParsableArguments {
    @Option(help: "When HEADER and TEXT give different DATA offsets that both fit: strict (stop), header or text.")
    var dataOffsets: FCSReadOptions.OffsetPreference = .strict

    @Flag(help: "Ignore a supplemental TEXT segment that lies outside the file (recorded as a repair).")
    var ignoreBadSupplementalText = false

    var options: FCSReadOptions {
        var options = FCSReadOptions()
        options.offsetPreference = dataOffsets
        options.ignoreBadSupplementalText = ignoreBadSupplementalText
        return options
    }
}

extension FCSReadOptions.OffsetPreference: ExpressibleByArgument {}
extension ValueScale: ExpressibleByArgument {}

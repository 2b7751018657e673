import ArgumentParser
import FCS

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export events as CSV or FCS 3.1.",
        discussion: """
        CSV: a header of $PnN, one row per event in file order, LF line ends, RFC 4180 quoting; each number in \
        the shortest text that reads back as the same value of its stored type. FCS: FCS 3.1, $DATATYPE F (D when \
        Float32 would round a value), written atomically.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, fcs }

    @Argument(help: "The FCS file to export.")
    var file: String

    @Option(help: "csv or fcs.")
    var format: Format = .csv

    @Option(help: "stored (what the file holds) or scale (log decoding, gain, time step).")
    var values: ValueScale = .stored

    @Option(parsing: .upToNextOption, help: "Channels to export, by $PnN then $PnS (exact, else ignoring case), separated by spaces or commas (default: all).")
    var channels: [String] = []

    @Option(parsing: .unconditional, help: "Data set to export, counting from 1.")
    var dataset: Int = 1

    @Option(name: .shortAndLong, help: "Output file (default: standard output; FCS needs a file).")
    var output: String?

    @OptionGroup var reading: ReadingOptions

    func validate() throws {
        guard dataset >= 1 else { throw ValidationError("--dataset counts from 1") }
        // `--channels ''` would otherwise mean "every channel", the opposite of what was typed.
        if !channels.isEmpty && channels.allSatisfy({ $0.allSatisfy { $0 == "," || $0.isWhitespace } }) {
            throw ValidationError("--channels names no channel; leave it out to export every channel")
        }
        if format == .fcs && (output == nil || output == "-") {
            throw ValidationError("--format fcs needs -o FILE")
        }
    }

    func run() throws {
        try checkOutputs(files: [output], inputs: [file])
        try reportingInputErrors {
            let sample = try FCSFile.readSample(file, dataSet: dataset, options: reading.options)
            let indices = try sample.parameterIndices(selecting: channels)
            switch format {
            case .csv:
                try FileHandleOutput.stream(to: output) { sink in try sample.writeCSV(indices, values: values, to: sink) }
            case .fcs:
                // Stored values keep integer channels (and their log $PnE) as integers; scale values are floats.
                var writer = FCSWriter()
                writer.keepIntegerColumns = values == .stored
                try writer.write(sample.selecting(indices, values: values), to: output ?? "")
            }
        }
    }
}

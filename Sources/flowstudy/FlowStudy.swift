import ArgumentParser
import FCS

/// The `flowstudy` command: a thin shell over the FlowStudy libraries. Each subcommand parses its arguments,
/// calls the library and maps typed errors to exit codes (0 success, 64 usage error, 65 bad input data).
@main
struct FlowStudy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowstudy",
        abstract: "Flow cytometry and ELISA to the outcome tables of the SSc ruxolitinib study.",
        version: "0.1.0",
        subcommands: [Inspect.self, Export.self, Simulate.self, Template.self, Gate.self, BatchCommand.self, Merge.self, Report.self, ELISACommand.self, Plot.self, Review.self, Stats.self, OutcomesCommand.self, StudyCommand.self, DemoCommand.self, Edit.self]
    )

    static func main() {
        // No allocator tuning here: the commands that gate many files in turn (batch, review, study, demo, edit)
        // turn it on; for one file it only kept freed columns resident and raised `gate`'s peak.
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            exit(withError: error)
        }
    }
}

/// Exit status for input data that cannot be used (sysexits' EX_DATAERR).
let badInputData = ExitCode(65)


/// Writes a line to standard error, its control characters escaped (messages quote bytes from input files).
func printError(_ message: String) {
    var standardError = StandardError()
    print(terminalSafe(message), to: &standardError)
}

/// Writes a line to standard output, its control characters escaped.
func say(_ message: String) {
    FileHandleOutput.write(terminalSafe(message) + "\n", to: 1)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.write(string, to: 2)
    }
}

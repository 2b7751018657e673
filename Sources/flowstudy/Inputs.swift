import ArgumentParser
import Batch
import FCS
import Foundation
import Gating
import Tables

/// Runs `body`; a typed input error is printed on stderr and becomes an exit status. A template, Gating-ML or
/// sample-sheet problem is always 64, as in every command (README, exit codes); a file that cannot be used (FCS,
/// gating on it, reading or writing) becomes `exit`, 65 unless a command says otherwise. `file` prefixes gating
/// errors, which do not name the sample themselves.
func reportingInputErrors<T>(file: String? = nil, exit: ExitCode = badInputData, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as TemplateError {
        printError(error.description)
        throw ExitCode.validationFailure
    } catch let error as GatingMLError {
        printError(error.description)
        throw ExitCode.validationFailure
    } catch let error as SampleSheet.Problems {
        printError(error.description)
        throw ExitCode.validationFailure
    } catch let error as FCSError {
        printError("flowstudy: \(error)")
    } catch let error as GatingError {
        printError("\(file ?? "flowstudy"): \(error)")
    } catch let error as TablesError {
        printError("flowstudy: \(error)")
    }
    throw exit
}

/// The sample sheet at `path`, or one entry per FCS file when `path` is a folder (ids are file stems, controls
/// are not matched, which `quiet` keeps from being said on stderr). Control markers are compared through the
/// template's panel.
func loadSampleSheet(_ path: String, quiet: Bool, template: GatingTemplate? = nil) throws -> SampleSheet {
    var isFolder: ObjCBool = false
    FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
    guard isFolder.boolValue else { return try SampleSheet.read(csv: path, template: template) }
    if !quiet { printError("flowstudy: \(path) is a folder: sample ids are file stems and controls are not matched") }
    return try SampleSheet.read(folder: path)
}

/// Stops the command (exit 64, the problems on stderr) when the sheet lacks a `group_by` column of the template's
/// pooled gates: what `batch`, `review` and `edit` check before any work.
func checkPooling(_ template: GatingTemplate, templatePath: String, sheet: SampleSheet, sheetPath: String) throws {
    let pooling = GroupGates(template: template).poolingProblems(sheet.entries)
    guard !pooling.isEmpty else { return }
    printError("\(templatePath): \(pooling.count) problem\(pooling.count == 1 ? "" : "s") with the sample sheet \(sheetPath)\n" + pooling.map { "  \($0)" }.joined(separator: "\n"))
    throw ExitCode.validationFailure
}

/// The per-sample overrides at `path` (nil: none), checked against the template and the sheet's sample ids.
func loadOverrides(_ path: String?, template: GatingTemplate, sheet: SampleSheet) throws -> GateOverrides {
    try path.map { try GateOverrides.read(contentsOf: $0, template: template, sampleIDs: Set(sheet.entries.map(\.sampleID))) } ?? GateOverrides()
}

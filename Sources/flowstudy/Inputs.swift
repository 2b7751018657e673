import ArgumentParser
import Batch
import FCS
import Foundation
import Gating
import Tables

/// Runs `body`; a typed input error (FCS file, template, Gating-ML, gating, sample sheet) is printed on stderr
/// and becomes `exit`: 65 for data that cannot be used, or 64 where a command treats a bad template or sheet as
/// a usage problem. `file` prefixes gating errors, which do not name the sample themselves.
func reportingInputErrors<T>(file: String? = nil, exit: ExitCode = badInputData, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as FCSError {
        printError("flowstudy: \(error)")
    } catch let error as TemplateError {
        printError(error.description)
    } catch let error as GatingMLError {
        printError(error.description)
    } catch let error as GatingError {
        printError("\(file ?? "flowstudy"): \(error)")
    } catch let error as SampleSheet.Problems {
        printError(error.description)
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

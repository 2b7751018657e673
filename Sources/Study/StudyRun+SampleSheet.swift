import Batch
import Foundation
import Gating
import Outcomes
import Tables

extension StudyRun {
    /// What a study refuses in a sample sheet that a plain batch accepts: two samples naming one FCS file (a
    /// treated and an untreated value would be silently identical; one control tube listed for several conditions
    /// of its subject is fine), and a control tube for a marker the
    /// template's panel lacks (it would control nothing, and its samples would only be flagged `NO_CONTROL`).
    static func sampleSheetProblems(_ sheet: SampleSheet, template: GatingTemplate) -> [String] {
        var problems: [String] = []
        /// The first row naming each file, by identity (device and inode) when it exists, else by its path.
        var files: [String: SampleSheet.Entry] = [:]
        let panel = template.panel.map(\.name).joined(separator: ", ")
        for entry in sheet.entries {
            let path = URL(fileURLWithPath: entry.file).standardizedFileURL.path
            let key = FileIdentity(path).map { "\($0.device):\($0.inode)" } ?? path
            if let first = files[key] {
                // One control tube may serve several conditions of its subject (an FMO shared by UT and RUX):
                // listed once per condition, it names one file, and that is no mistake.
                let sharedControl = first.isControl && entry.isControl && first.subjectID == entry.subjectID
                    && first.controlType == entry.controlType
                    && first.controlMarker.map(template.markerKey) == entry.controlMarker.map(template.markerKey)
                if !sharedControl {
                    problems.append("\(sheet.source): row \(entry.line), column fcs_file: '\(entry.columns["fcs_file"] ?? entry.file)' is the file of "
                                    + "sample '\(first.sampleID)' on row \(first.line) too; expected each sample's own FCS file "
                                    + "(rows \(first.line) and \(entry.line) would give identical values)")
                }
            } else {
                files[key] = entry
            }
            if entry.isControl, let marker = entry.controlMarker, template.panelMarker(named: marker) == nil {
                problems.append("\(sheet.source): row \(entry.line), column control_marker: '\(marker)' is not a marker of the template's panel; "
                                + "expected one of \(panel.isEmpty ? "its markers (the panel is empty)" : panel)")
            }
        }
        return problems
    }

    /// The batch reader's problems that `reported` (the Outcomes reader's, for the same sheet) has no problem for
    /// at the same place: the same cell, or, for a problem of a whole row (or the header, line 1), the same line.
    static func unreported(_ problems: [SampleSheet.Problem], besides reported: [StudyDataProblems.Problem]) -> [SampleSheet.Problem] {
        let cells = Set(reported.map { SampleSheet.Problem.Place.cell(row: $0.line, column: $0.column) })
        let lines = Set(reported.map(\.line))
        return problems.filter { problem in
            switch problem.place {
            case .sheet: true
            case .header: !lines.contains(1)
            case .row(let line): !lines.contains(line)
            case .cell: !cells.contains(problem.place)
            }
        }
    }
}

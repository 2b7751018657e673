import Batch
import Foundation
import Gating
import Outcomes
import Reports
import Tables

/// The study markers a gating template reads: the panel of the marker tables, and so what every culture sample's
/// FCS tube is expected to give (both readouts of each), whatever the batch's `markers.csv` holds.
public enum StudyPanel {
    /// Every readout of a gating template that the outcomes cannot use, listed at once (as `study` lists them).
    public struct Problems: Error, Sendable, Equatable, CustomStringConvertible {
        /// One per readout, in template order; each names the template and the readout's JSON path.
        public var problems: [OutcomesError]

        /// One problem per line.
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// The study markers of `template`'s readouts (read from `path`), in table order, and a problem per readout the
    /// outcomes cannot use: a second readout of a study marker (on another population) would give two values per
    /// sample and marker, and the outcome tables have one. Readouts of other markers are not outcomes and are left out.
    public static func markers(of template: GatingTemplate, path: String) -> (markers: [StudyMarker], problems: [OutcomesError]) {
        var first: [StudyMarker: Int] = [:]
        var problems: [OutcomesError] = []
        for (index, readout) in template.readouts.enumerated() {
            guard let marker = StudyMarker(named: readout.marker) else { continue }
            if let earlier = first[marker] {
                let other = template.readouts[earlier]
                problems.append(OutcomesError(file: path, place: "readouts[\(index)]",
                                              "a second readout of study marker \(marker.rawValue) (population '\(readout.population)'; "
                                              + "readouts[\(earlier)] reads it on '\(other.population)'); expected one readout per study marker: the outcome "
                                              + "tables take one value per sample and marker, so keep the readout on the population the study reports"))
            } else {
                first[marker] = index
            }
        }
        return (first.keys.sorted(), problems)
    }

    /// The populations `template`'s study-marker readouts are read on, in readout order, once each: the gate-count
    /// columns of the TQ tube table (``FCSFileQC``) when no tube gave a readout row.
    public static func readoutPopulations(of template: GatingTemplate) -> [String] {
        var populations: [String] = []
        for readout in template.readouts where StudyMarker(named: readout.marker) != nil && !populations.contains(readout.population) {
            populations.append(readout.population)
        }
        return populations
    }

    /// The panel of the batch folder `flow`: the study markers of the template its `run.json` records, which must
    /// still have the SHA-256 recorded. `template`, when given, is used instead (`flowstudy outcomes --template`); it
    /// must have that SHA-256 too when the batch recorded one.
    /// Throws ``OutcomesError`` naming the file when the template cannot be found or read, and ``Problems`` listing
    /// every readout it has that the outcomes cannot use.
    public static func markers(ofBatch flow: String, template given: String? = nil) throws -> [StudyMarker] {
        try readouts(ofBatch: flow, template: given).markers
    }

    /// ``markers(ofBatch:template:)`` with the populations its readouts are read on (``readoutPopulations(of:)``).
    public static func readouts(ofBatch flow: String, template given: String? = nil) throws -> (markers: [StudyMarker], populations: [String]) {
        let runPath = flow + "/run.json"
        var record: [String: Any]?
        if FileManager.default.fileExists(atPath: runPath) {
            // A run record that is there but does not parse is named as such (its line and column), not as absent.
            do {
                record = try JSONDocument.object(runPath, what: "a batch run.json")["template"] as? [String: Any]
            } catch let error as TablesError {
                throw OutcomesError(error)
            }
        }
        let recordedHash = (record?["sha256"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        var path = given ?? ""
        if let given {
            // A template other than the batch's could name other markers: their rows would be dropped, or expected
            // where the batch never read them.
            if let recordedHash, let found = FileHash.sha256(of: given), found != recordedHash {
                throw OutcomesError(file: given, "expected the gating template the batch read (SHA-256 \(recordedHash), recorded in \(runPath)), "
                                    + "found SHA-256 \(found): the batch was gated with another template")
            }
        } else {
            let hint = "; give the batch's gating template with --template"
            guard let record, let recorded = record["path"] as? String else {
                throw OutcomesError(file: runPath, place: "template.path",
                                    "expected the batch's run record naming its gating template (the panel of study markers each tube is expected to give)" + hint)
            }
            path = recorded
            // An empty or absent hash is no record: the template found could be any.
            guard let recordedHash else {
                throw OutcomesError(file: runPath, place: "template.sha256", "expected the SHA-256 of the gating template the batch read, found none" + hint)
            }
            let found = FileHash.sha256(of: recorded)
            guard let found else { throw OutcomesError(file: recorded, "expected the gating template the batch recorded in \(runPath), found no readable file" + hint) }
            if recordedHash != found {
                throw OutcomesError(file: recorded, "expected the gating template the batch read (SHA-256 \(recordedHash), recorded in \(runPath)), found SHA-256 \(found): it changed since the batch" + hint)
            }
        }
        let template: GatingTemplate
        do { template = try TemplateLoader.load(path).template } catch { throw OutcomesError(file: path, "\(error)") }
        let panel = markers(of: template, path: path)
        if !panel.problems.isEmpty { throw Problems(problems: panel.problems) }
        return (panel.markers, readoutPopulations(of: template))
    }
}

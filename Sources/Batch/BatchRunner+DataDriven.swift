import FCS
import Foundation
import Gating

/// A group of tubes under a template with data-driven gates: overrides and pooled gates first (``GroupGates``: one
/// per pooling key, computed on the stained tubes' pooled events and applied to every tube of the key), then the
/// stained tubes (each keeping its session until its controls are read), then the controls — a gate on a control's
/// own marker takes the matched stained tube's gate — and last the stained tubes' readouts with the controls'
/// thresholds.
extension BatchRunner {
    func processDataDriven(_ group: [SampleSheet.Entry], tubeDone: (Int) -> Void) -> BatchResult {
        var result = BatchResult()
        var samples: [String: Sample] = [:]
        var failed: Set<String> = []
        for entry in group {
            if let sample = read(entry, into: &result) { samples[entry.sampleID] = sample } else { failed.insert(entry.sampleID); tubeDone(0) }
        }
        let decider = GroupGates(template: template, overrides: overrides)
        let decided = decider.overrideDecisions(group, samples: samples)
        var given = decided.given
        for entry in group {
            guard let error = decided.failures[entry.sampleID] else { continue }
            // An override naming a marker this tube lacks fails the tube, as the template's own gate would.
            let (code, message) = Self.describe(error)
            result.errors.append([entry.sampleID, entry.file, code, message])
            samples[entry.sampleID] = nil
            failed.insert(entry.sampleID)
            tubeDone(0)
        }
        decider.pool(group, samples: samples, given: &given)

        var thresholds: [String: ControlThreshold] = [:]
        var failedControls: [String: String] = [:]
        var stained: [(SampleSheet.Entry, GatingSession, Date)] = []
        func session(_ entry: SampleSheet.Entry, extra: [String: GateDecision] = [:]) -> GatingSession? {
            guard let sample = samples[entry.sampleID] else { return nil }
            do {
                let made = try GatingSession(strategy: template.strategy(for: sample), sample: sample,
                                             given: (given[entry.sampleID] ?? [:]).merging(extra) { mine, _ in mine })
                record(made, entry: entry, into: &result)
                return made
            } catch {
                let (code, message) = Self.describe(error)
                result.errors.append([entry.sampleID, entry.file, code, message])
                return nil
            }
        }
        for entry in group where !entry.isControl && !failed.contains(entry.sampleID) {
            let clock = Date()
            guard let made = session(entry) else { tubeDone(0); continue }
            stained.append((entry, made, clock))
        }
        for entry in group where entry.isControl && !failed.contains(entry.sampleID) {
            let clock = Date()
            let matched = stained.first { $0.0.subjectID == entry.subjectID && $0.0.condition == entry.condition }
            guard let made = session(entry, extra: matched.map { decider.controlGates(entry, from: $0.0, $0.1) } ?? [:]) else {
                if let marker = entry.controlMarker, let type = entry.controlType { failedControls[controlKey(type, marker)] = entry.sampleID }
                tubeDone(0)
                continue
            }
            addThresholds(made, control: entry, to: &thresholds)
            finish(made, entry: entry, since: clock, into: &result, tubeDone: tubeDone)
        }
        for (entry, made, clock) in stained {
            for readout in template.readouts {
                result.markers.append(markerRow(made, entry: entry, readout: readout, thresholds: thresholds, failedControls: failedControls))
            }
            finish(made, entry: entry, since: clock, into: &result, tubeDone: tubeDone)
        }
        return result
    }
}

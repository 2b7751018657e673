import Foundation
import Outcomes

extension StudyReport {
    /// The "Assay quality" section of `index.html`: the ELISA plates and the FCS tubes (TQ), with the notes on what
    /// the inputs lacked; a sentence when the run did not read them. Every cell from the inputs is escaped.
    func assayQualitySection() -> String {
        let e = HTML.escape
        var html = "<h2 id=\"tq\">Assay quality (TQ)</h2>\n"
        guard let qc = outcomes.assayQC else {
            return html + "<p>Not computed: the ELISA and batch folders were not read for the QC tables.</p>\n"
        }
        func count(_ value: Int?) -> String { value.map(String.init) ?? "–" }
        func decision(_ value: Bool?) -> String {
            guard let value else { return "–" }
            return value ? "yes" : "<span class=\"flag excluded\">no</span>"
        }
        html += "<h3>ELISA plates</h3>\n"
        let plateRows = qc.plates.plates.map { plate -> [String] in
            let levels = "\(count(plate.levelsPassing)) / \(count(plate.levels))"
            let range = plate.lloqInWell == nil && plate.uloqInWell == nil ? "–"
                : "\(HTML.number(plate.lloqInWell)) – \(HTML.number(plate.uloqInWell))"
            let model = [plate.model, plate.weights.map { "weights \($0)" }].compactMap { $0 }.joined(separator: ", ")
            return [e(plate.plate), e(plate.analyte ?? "–"), e(model.isEmpty ? "–" : model), HTML.number(plate.rSquared), e(levels), e(range),
                    decision(plate.curveAccepted), decision(plate.converged), count(plate.samples), count(plate.belowLLOQ), count(plate.aboveULOQ),
                    count(plate.highCV), count(plate.notRead)]
        }
        html += qc.plates.plates.isEmpty ? "<p>No plate.</p>\n"
            : HTML.table(["plate", "analyte", "model", "R²", "levels passing", "LLOQ–ULOQ (in well)", "curve accepted", "converged", "samples",
                          "< LLOQ", "> ULOQ", "HIGH_CV", "not read"], plateRows,
                         caption: "Counts over the plate's sample results (controls left out). File: \(e(ELISAPlateQC.fileName)).")
        html += notes(qc.plates.notes)
        html += "<h3>FCS tubes</h3>\n"
        let tubeRows = qc.tubes.tubes.map { tube -> [String] in
            let control = [tube.controlType, tube.controlMarker].filter { !$0.isEmpty }.joined(separator: " ")
            return [e(tube.sampleID), "<span class=\"hash\">\(e(tube.fcsFile))</span>", e(control.isEmpty ? "–" : control), count(tube.events)]
                + tube.counts.map(count) + [e(tube.compensation ?? "–"), count(tube.bytes),
                                           tube.sha256.map { "<span class=\"hash\">\(e($0))</span>" } ?? "–"]
        }
        html += qc.tubes.tubes.isEmpty ? "<p>No tube.</p>\n"
            : HTML.table(["sample", "file", "control", "events"] + qc.tubes.populations + ["compensation", "bytes", "SHA-256"], tubeRows,
                         caption: "File: \(e(FCSFileQC.fileName)).")
        html += notes(qc.tubes.notes)
        return html
    }

    /// Notes under a QC table, escaped.
    private func notes(_ list: [String]) -> String {
        list.isEmpty ? "" : "<ul class=\"small muted\">\n" + list.map { "<li>\(HTML.escape($0))</li>\n" }.joined() + "</ul>\n"
    }
}

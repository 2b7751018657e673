import Foundation
import Outcomes
import Statistics

extension StudyReport {
    /// `report/index.html`. Figures are inline SVG (text of record) with links to their files; `pngFigures` names
    /// the figures that also have a PNG copy.
    public func indexPage(pngFigures: Set<String> = []) -> String {
        let e = HTML.escape
        var body = "<h1>Sclero-JAK study report</h1>\n<p class=\"muted\">FlowStudy \(e(provenance.flowstudyVersion)). "
        body += "Outcomes as defined in OUTCOMES.md; statistics as METHODS.md (R's defaults). Every table is also a CSV file beside this folder.</p>\n"
        body += "<nav><a href=\"#summary\">Summary</a><a href=\"#methods\">Methods</a><a href=\"#t0\">T0</a><a href=\"#t1\">T1</a><a href=\"#t2\">T2</a>"
        body += "<a href=\"#t3\">T3</a><a href=\"#t4\">T4</a><a href=\"#t5\">T5</a><a href=\"#t6\">T6</a><a href=\"#tq\">Assay quality</a><a href=\"#figures\">Figures</a>"
        body += "<a href=\"#missing\">Missing and excluded</a><a href=\"#subjects\">Subjects</a><a href=\"#provenance\">Provenance</a></nav>\n"
        body += summary()
        body += methodsSection()
        body += "<h2 id=\"t0\">T0. Subjects</h2>\n" + Self.plainTable(SubjectCharacteristics(outcomes.data).table)
        body += pairedSection("t1", "T1. Primary outcome: CCL18, SSc MDM, RUX vs UT (P1)", [outcomes.primary], family: "Not adjusted for multiplicity.")
        body += pairedSection("t2", "T2. Soluble factors, SSc MDM (S1)", outcomes.solubleSSc, family: "q: Benjamini–Hochberg over these \(outcomes.solubleSSc.count) analytes.")
        body += pairedSection("t3", "T3. Membrane markers, SSc MDM (S2)", outcomes.markersSSc,
                              family: "q: Benjamini–Hochberg over these \(outcomes.markersSSc.count) readouts. % positive: effect = HL of Δ in percentage points.")
        body += pairedSection("t4", "T4. Soluble factors, HD MDM with SSc serum (S3)", outcomes.solubleHD,
                              family: "q: BH over these \(outcomes.solubleHD.count) analytes. Unit: HD donor (median over sera per condition before pairing).")
        body += pairedSection("t5", "T5. Membrane markers, HD MDM with SSc serum (S3)", outcomes.markersHD,
                              family: "q: BH over these \(outcomes.markersHD.count) readouts. Unit: HD donor.")
        body += subgroupSection()
        body += assayQualitySection()
        body += figureSection(pngFigures)
        body += missingSection()
        body += "<h2 id=\"subjects\">Subjects</h2>\n<ul class=\"subjects\">\n"
        for id in subjectIDs {
            let group = outcomes.data.subjects[id]?.group.rawValue ?? ""
            body += "<li><a href=\"subjects/\(e(id)).html\">\(e(id))</a> <span class=\"muted small\">\(e(group))</span></li>\n"
        }
        body += "</ul>\n" + provenanceSection()
        return HTML.page(title: "Sclero-JAK study report", body: body)
    }

    /// The primary result in one sentence.
    func summary() -> String {
        let primary = outcomes.primary
        var text = "<h2 id=\"summary\">Summary</h2>\n<p>Primary outcome (P1, CCL18 in SSc MDM, RUX vs UT): n = \(primary.pairs.count) pairs"
        if let shift = primary.comparison?.log2Shift {
            text += "; Hodges–Lehmann ratio \(HTML.number(pow(2, shift.estimate))) (95 % CI \(HTML.number(pow(2, shift.lower)))–\(HTML.number(pow(2, shift.upper))))"
        }
        if let test = primary.comparison?.signedRank, let p = test.p {
            text += "; Wilcoxon signed-rank p = \(HTML.p(p)) (\(HTML.escape(test.method.rawValue)))"
        }
        text += ".</p>\n<p>\(outcomes.data.missing.count) expected result(s) missing; "
        text += "\(exclusions.count) result(s) excluded from the statistics (see <a href=\"#missing\">Missing and excluded</a>).</p>\n"
        return text
    }

    /// The methods in plain words.
    func methodsSection() -> String {
        """
        <h2 id="methods">Methods</h2>
        <p><b>Comparison.</b> Each unit (an SSc patient; in the serum arm, a healthy donor) gives one untreated and one treated value per \
        readout; only complete pairs enter. The change is Δ = treated − untreated; the fold change FC = treated / untreated; L = log2 FC.</p>
        <p><b>Test.</b> Wilcoxon signed-rank test on Δ, two-sided, as R's <code>wilcox.test</code>: exact when there are fewer than 50 pairs \
        and no ties or zero differences, otherwise a normal approximation with continuity correction; zero differences are dropped. Pratt's \
        variant (zeros ranked, then dropped) is the sensitivity analysis (CSV column <code>p_pratt</code>).</p>
        <p><b>Effect.</b> For concentrations and MFI: the Hodges–Lehmann estimate (median of the Walsh averages) of L with its 95 % \
        confidence interval from R's order statistics (k exact up to 500 pairs), shown as a ratio (2^HL). For % positive: the Hodges–Lehmann estimate of Δ in percentage points (no ratio). \
        Secondary: paired t-test on log values and the geometric mean ratio. Medians and quartiles are R's type 7.</p>
        <p><b>Multiplicity.</b> The primary outcome is not adjusted. Secondary families are adjusted by Benjamini–Hochberg: the 4 soluble \
        factors (SSc), the marker readouts (SSc), the 5 soluble factors (serum arm), the marker readouts (serum arm), the S4 variables.</p>
        <p><b>Subgroups (S4, exploratory).</b> L of CCL18 per patient against clinical variables: Mann–Whitney for two levels (Hodges–Lehmann \
        shift), Kruskal–Wallis for the autoantibody classes (levels with n ≥ 3), Spearman's ρ for mRSS. A level with fewer than 3 patients is \
        not tested. A sensitivity table repeats S4 with Δ.</p>
        <p><b>Values below or above the assay range.</b> The ELISA run substitutes LLOQ·DF/2 below the lower limit and ULOQ·DF above the \
        upper one (its setting); these substituted values enter the statistics and are counted per arm; figures draw them as open symbols.</p>
        <p><b>Exclusions.</b> Results on a plate whose standard curve was rejected (or did not converge), results with no readable well \
        (NOT_READ, masked), and expected results absent from the result files are left out, each listed below. A pair with a value ≤ 0 is \
        left out of ratio statistics (L, FC, t-test, GMR) but kept for Δ.</p>
        <details class="screen-only"><summary>Footnote text of the tables (footnotes.md)</summary><p class="small">\(HTML.escape(StudyOutcomes.methods))</p></details>

        """
    }

    /// One of T1–T5: the readable columns, the footnote of each readout under it.
    func pairedSection(_ anchor: String, _ title: String, _ list: [PairedOutcome], family: String) -> String {
        let header = ["readout", "n pairs", "untreated median [IQR]", "treated median [IQR]", "median FC [IQR]", "effect (95 % CI)", "p (method)", "q (BH)"]
        let rows = list.map { outcome -> [String] in
            let quartiles = { (values: [Double]) -> String in
                Quartiles(values).map { "\(HTML.number($0.median)) [\(HTML.number($0.q1)); \(HTML.number($0.q3))]" } ?? "–"
            }
            var effect = "–", fc = "–", p = "–"
            if let comparison = outcome.comparison {
                if outcome.readout.isRatioScale {
                    if let shift = comparison.log2Shift {
                        effect = "ratio \(HTML.number(pow(2, shift.estimate))) (\(HTML.number(pow(2, shift.lower)))–\(HTML.number(pow(2, shift.upper))))"
                    }
                    if let f = comparison.foldChange { fc = "\(HTML.number(f.median)) [\(HTML.number(f.q1)); \(HTML.number(f.q3))]" }
                } else {
                    let shift = comparison.differenceShift
                    effect = "Δ \(HTML.number(shift.estimate)) pp (\(HTML.number(shift.lower))–\(HTML.number(shift.upper)))"
                }
                if let value = comparison.signedRank.p { p = "\(HTML.p(value)) (\(HTML.escape(comparison.signedRank.method.rawValue)))" }
            }
            let q = outcome.q.map { value in value < 0.05 ? "<span class=\"sig\">\(HTML.p(value))</span>" : HTML.p(value) } ?? "–"
            return [HTML.escape(outcome.readout.name), "\(outcome.pairs.count)", quartiles(outcome.pairs.untreated),
                    quartiles(outcome.pairs.treated), fc, effect, p, q]
        }
        let arm = list.first?.arm
        var html = "<h2 id=\"\(anchor)\">\(HTML.escape(title))</h2>\n"
        html += HTML.table(header, rows, caption: HTML.escape("Untreated = \(arm?.untreated.rawValue ?? ""), treated = \(arm?.treated.rawValue ?? ""). \(family)"))
        html += "<ul class=\"small muted\">\n" + list.map { "<li>\(HTML.escape(StudyOutcomes.footnote($0).dropFirst(2).trimmingCharacters(in: .whitespacesAndNewlines)))</li>\n" }.joined() + "</ul>\n"
        return html
    }

    /// T6 (L and Δ) and the per-patient effects.
    func subgroupSection() -> String {
        func table(_ analyses: [SubgroupAnalysis], effect: String) -> String {
            var rows: [[String]] = []
            for analysis in analyses {
                for (index, level) in analysis.levels.enumerated() {
                    let q = Quartiles(level.values).map { "\(HTML.number($0.median)) [\(HTML.number($0.q1)); \(HTML.number($0.q3))]" } ?? "–"
                    let first = index == 0
                    let shift = analysis.shift.map { "\(HTML.number($0.estimate)) (\(HTML.number($0.lower))–\(HTML.number($0.upper)))" } ?? "–"
                    rows.append([first ? HTML.escape("\(analysis.variable.id) \(analysis.variable.name)") : "", HTML.escape(level.name), "\(level.values.count)", q,
                                 first ? HTML.escape(analysis.tested ? analysis.test : "not tested: \(analysis.note)") : "",
                                 first && analysis.tested ? HTML.number(analysis.statistic) : "", first && analysis.tested ? HTML.p(analysis.p) : "",
                                 first && analysis.tested ? HTML.p(analysis.q) : "", first && analysis.tested ? shift : "",
                                 first ? "\(analysis.missingDropped)" : ""])
                }
            }
            return HTML.table(["variable", "level", "n", "median [IQR] of \(effect)", "test", "statistic", "p", "q (BH)", "HL shift (95 % CI)", "missing"], rows)
        }
        var html = "<h2 id=\"t6\">T6. CCL18 effect by clinical subgroup (S4, exploratory)</h2>\n"
        html += "<p class=\"small muted\">L = log2(RUX/UT) of CCL18 per patient from P1's complete pairs. `multiple` and `other` antibodies form the level `other`; DU yes = current or past; `sine` patients are not a level of the subset comparison.</p>\n"
        html += "<h3>On L (log2 ratio)</h3>\n" + table(outcomes.subgroupsL, effect: "L")
        html += "<h3>Sensitivity analysis on Δ (RUX − UT, pg/mL)</h3>\n" + table(outcomes.subgroupsDelta, effect: "Δ")
        if !outcomes.ratioUndefinedPatients.isEmpty {
            html += "<p class=\"small\">Ratio undefined (a value ≤ 0), in Δ only: \(HTML.escape(outcomes.ratioUndefinedPatients.joined(separator: ", "))).</p>\n"
        }
        html += "<h3>Per-patient effects (S4 input)</h3>\n"
        html += HTML.table(["subject", "UT", "RUX", "Δ", "L"], outcomes.patientEffects.map { effect in
            ["<a href=\"subjects/\(HTML.escape(effect.subjectID)).html\">\(HTML.escape(effect.subjectID))</a>", HTML.number(effect.untreated),
             HTML.number(effect.treated), HTML.number(effect.delta), HTML.number(effect.log2Ratio)]
        })
        return html
    }

    /// The figures, inline.
    func figureSection(_ png: Set<String>) -> String {
        var html = "<h2 id=\"figures\">Figures</h2>\n"
        for figure in figures {
            var svg = figure.svg
            if let start = svg.range(of: "<svg ") { svg = String(svg[start.lowerBound...]) }
            html += "<figure id=\"\(figure.name)\">\n\(svg)<figcaption>\(HTML.escape(figure.caption)) "
            html += "<span class=\"screen-only\">Files: <a href=\"figures/\(figure.name).svg\">SVG</a>"
            if png.contains(figure.name) { html += ", <a href=\"figures/\(figure.name).png\">PNG</a>" }
            html += "</span></figcaption></figure>\n"
        }
        return html
    }

    /// Results left out of the statistics: (readout, sample, reason), over every paired outcome, without repeats.
    var exclusions: [(readout: String, sample: String, reason: String)] {
        var seen: Set<String> = []
        var list: [(String, String, String)] = []
        for outcome in outcomes.pairedOutcomes {
            for (reason, samples) in outcome.pairs.excluded.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                for sample in samples where seen.insert(outcome.readout.name + "|" + sample).inserted {
                    list.append((outcome.readout.name, sample, reason.rawValue))
                }
            }
        }
        return list
    }

    /// Missing results, excluded results and incomplete pairs.
    func missingSection() -> String {
        let e = HTML.escape
        var html = "<h2 id=\"missing\">Missing and excluded samples</h2>\n<h3>Missing results</h3>\n"
        let data = outcomes.data
        func sampleLink(_ id: String) -> String {
            guard let subject = data.samples.first(where: { $0.id == id })?.subjectID else { return e(id) }
            return "<a href=\"subjects/\(e(subject)).html\">\(e(id))</a>"
        }
        html += data.missing.isEmpty ? "<p>None: every culture sample of the sheet has its results.</p>\n"
            : HTML.table(["sample", "readout", "reason"], data.missing.map { [sampleLink($0.sampleID), e($0.readout), e($0.reason)] })
        html += "<h3>Results excluded from the statistics</h3>\n"
        let excluded = exclusions
        html += excluded.isEmpty ? "<p>None.</p>\n" : HTML.table(["sample", "readout", "reason"], excluded.map {
            [sampleLink($0.sample), e($0.readout), "<span class=\"flag excluded\">\(e($0.reason))</span>"]
        })
        html += "<h3>Incomplete pairs</h3>\n"
        let incomplete = outcomes.pairedOutcomes.filter { !$0.pairs.incompleteUnits.isEmpty }
        html += incomplete.isEmpty ? "<p>None.</p>\n" : HTML.table(["outcome", "readout", "arm", "units with one side only"], incomplete.map {
            [e($0.outcome), e($0.readout.name), e($0.arm.rawValue), e($0.pairs.incompleteUnits.joined(separator: ", "))]
        })
        if let gallery, !gallery.skipped.isEmpty {
            html += "<h3>Gate plots not shown</h3>\n<ul class=\"small\">" + gallery.skipped.map { "<li>\(e($0))</li>" }.joined() + "</ul>\n"
        }
        return html
    }

    /// Version, template, and every input's SHA-256.
    func provenanceSection() -> String {
        let e = HTML.escape
        var html = "<h2 id=\"provenance\">Provenance</h2>\n<p>FlowStudy \(e(provenance.flowstudyVersion)). Gating template: "
        html += provenance.templateSHA256.map { "<span class=\"hash\">\(e($0))</span> (\(e(provenance.templatePath ?? "")))" }
            ?? "not recorded (no batch run.json)"
        html += ".</p>\n"
        let rows = (provenance.files + provenance.upstream).map { input in
            [e(input.role), "<span class=\"hash\">\(e(input.path))</span>", input.sha256.map { "<span class=\"hash\">\(e($0))</span>" } ?? "unreadable"]
        }
        html += HTML.table(["input", "path", "SHA-256"], rows, caption: "Files read by this run (hashed now), then the files the batch and ELISA runs read (hashes from their run.json).")
        return html
    }

    /// A CSV-shaped table as HTML, every cell escaped.
    static func plainTable(_ table: OutcomeTable) -> String {
        HTML.table(table.header, table.rows.map { $0.map(HTML.escape) })
    }
}
